// The registry map: markers for the centres in the list, on the configured tile server.
// The page is complete without it; this only adds the map where Leaflet and tiles load.
(function () {
  "use strict";
  var holder = document.getElementById("registry-map");
  var data = document.getElementById("registry-markers");
  if (!holder || !data || typeof L === "undefined") { return; }
  var markers = JSON.parse(data.textContent);
  var map = L.map(holder, { scrollWheelZoom: false });
  L.tileLayer(holder.dataset.tileUrl, { attribution: holder.dataset.attribution, maxZoom: 18 }).addTo(map);
  var bounds = [];
  markers.forEach(function (m) {
    var link = document.createElement("a");
    link.href = m.url;
    link.textContent = m.name;
    var popup = document.createElement("div");
    popup.appendChild(link);
    popup.appendChild(document.createElement("br"));
    popup.appendChild(document.createTextNode(m.city + " · " + m.level));
    L.marker([m.lat, m.lng], { title: m.name }).addTo(map).bindPopup(popup);
    bounds.push([m.lat, m.lng]);
  });
  if (bounds.length === 1) { map.setView(bounds[0], 10); } else { map.fitBounds(bounds, { padding: [24, 24] }); }
})();
