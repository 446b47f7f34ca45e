// The map of places (templates/query-archive-places_map.html), an ES module: loads Leaflet and its
// marker-cluster plugin (data-leaflet, data-markercluster), reads every page of the places JSON named in
// data-places, clusters the markers, and builds popups from text nodes only (names are data, never HTML).
const el = document.getElementById("places-map");
if (el) {
  await import(el.dataset.leaflet);
  await import(el.dataset.markercluster);
  draw();
}

function draw() {
  const status = document.getElementById("places-map-status");
  const map = L.map(el, { worldCopyJump: true }).setView([25, 110], 3);
  L.tileLayer(el.dataset.tiles, { maxZoom: 19, attribution: el.dataset.attribution }).addTo(map);
  const cluster = L.markerClusterGroup({ chunkedLoading: true, maxClusterRadius: 50 });
  map.addLayer(cluster);
  const zh = el.dataset.language === "zh";

  function popup(place) {
    const box = document.createElement("div");
    const link = document.createElement("a");
    link.href = el.dataset.placeUrl + encodeURIComponent(place.id);
    link.textContent = (zh ? place.name_zh || place.name : place.name) || "";
    box.appendChild(link);
    const other = zh ? place.name : place.name_zh;
    if (other) box.appendChild(document.createTextNode(" " + other));
    box.appendChild(document.createElement("br"));
    box.appendChild(document.createTextNode(place.article_count.toLocaleString() + " " + el.dataset.articlesLabel));
    return box;
  }

  let shown = 0;
  async function load(url) {
    const response = await fetch(url, { headers: { Accept: "application/json" } });
    const data = await response.json();
    cluster.addLayers(data.rows.map((p) => L.marker([p.latitude, p.longitude], { title: p.name }).bindPopup(() => popup(p))));
    shown += data.rows.length;
    if (status) status.textContent = el.dataset.shownLabel.replace("{n}", shown.toLocaleString());
    if (data.next_url) return load(data.next_url.replace(/^https?:\/\/[^/]+/, ""));
    if (shown) map.fitBounds(cluster.getBounds(), { maxZoom: 5 });
  }
  load(el.dataset.places).catch(() => { if (status) status.textContent = "⚠"; });
}
