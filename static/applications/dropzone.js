// Drag and drop onto the evidence upload form. Without JavaScript the file input works alone.
(function () {
  "use strict";
  document.querySelectorAll("form[data-dropzone]").forEach(function (form) {
    var input = form.querySelector('input[type="file"]');
    var zone = form.querySelector("[data-dropzone-target]");
    var list = form.querySelector("[data-dropzone-list]");
    if (!input || !zone || typeof DataTransfer === "undefined") return;
    zone.hidden = false;

    function show(files) {
      list.textContent = "";
      Array.prototype.forEach.call(files, function (file) {
        var item = document.createElement("li");
        item.textContent = file.name + " (" + Math.ceil(file.size / 1024) + " KB)";
        list.appendChild(item);
      });
    }

    ["dragenter", "dragover"].forEach(function (name) {
      zone.addEventListener(name, function (event) {
        event.preventDefault();
        zone.classList.add("dropzone-active");
      });
    });
    ["dragleave", "drop"].forEach(function (name) {
      zone.addEventListener(name, function () { zone.classList.remove("dropzone-active"); });
    });
    zone.addEventListener("drop", function (event) {
      event.preventDefault();
      var merged = new DataTransfer();
      Array.prototype.forEach.call(input.files, function (file) { merged.items.add(file); });
      Array.prototype.forEach.call(event.dataTransfer.files, function (file) { merged.items.add(file); });
      input.files = merged.files;
      show(input.files);
    });
    input.addEventListener("change", function () { show(input.files); });
  });
})();
