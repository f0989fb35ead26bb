// Answer cards save themselves through htmx (hx-trigger on the form). A change made before htmx
// had started (a claim picked while the page was still loading) fired no request: once htmx is
// up, any field that no longer holds what the server sent is announced again, so it is saved.
(function () {
  "use strict";

  function changed(field) {
    if (field.type === "hidden" || field.type === "submit" || field.type === "button") { return false; }
    if (field.tagName === "SELECT") {
      return Array.prototype.some.call(field.options, function (o) { return o.selected !== o.defaultSelected; });
    }
    if (field.type === "checkbox" || field.type === "radio") { return field.checked !== field.defaultChecked; }
    return field.value !== field.defaultValue;
  }

  // htmx announces each piece it has processed (the whole body when it starts) with htmx:load.
  document.addEventListener("htmx:load", function (event) {
    var root = event.target;
    var forms = root.matches && root.matches("form.answer-form") ? [root] : root.querySelectorAll("form.answer-form");
    Array.prototype.forEach.call(forms, function (form) {
      // The version token is the server's, always: a browser restoring an older one would make
      // the next save look like someone else's change.
      var revision = form.querySelector('input[name="revision"]');
      if (revision && revision.value !== revision.defaultValue) { revision.value = revision.defaultValue; }
      var dirty = Array.prototype.find.call(form.elements, changed);
      if (dirty) { dirty.dispatchEvent(new Event("change", { bubbles: true })); }
    });
  });
})();
