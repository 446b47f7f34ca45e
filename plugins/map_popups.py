"""Map popups show only http(s) links and images from our own origin or allow-listed hosts.

datasette-cluster-map turns a row's ``popup`` column (JSON: title, description, link, image, alt) into
popup HTML. It escapes the text, but any URL passes: a reader's query can put a ``javascript:`` link or an
image from any server in a popup on our origin (only the Content-Security-Policy stopped the script).

This plugin serves the plugin's script (its URL, so plugin routes win over the package's static files)
with one line added where the popup is rendered: ``popup = clusterMapSafePopup(popup)``, which drops a
link that is not http(s) and an image that is not on this origin or on a host listed under
``popup_image_hosts`` in the datasette-cluster-map configuration (metadata.yml). If an upgraded
datasette-cluster-map no longer has that spot, the site refuses to start rather than serve an unguarded map.
"""

from __future__ import annotations

import json
from importlib.resources import files

from datasette import Response, hookimpl

PACKAGE_SCRIPT = files("datasette_cluster_map") / "static" / "datasette-cluster-map.js"
# The line where datasette-cluster-map starts building popup HTML from a parsed ``popup`` value.
POPUP_RENDERING = "    if (popup.image || popup.title || popup.description || popup.link) {\n"
GUARD = """
// Added by the archive's plugins/map_popups.py: only http(s) links, only our own or allow-listed images.
const clusterMapSafePopup = (popup) => {
  const parse = (value) => {
    try { return new URL(String(value), location.href); } catch (e) { return null; }
  };
  const web = (url) => url && (url.protocol === "https:" || url.protocol === "http:");
  const link = popup.link ? parse(popup.link) : null;
  const image = popup.image ? parse(popup.image) : null;
  const ours = web(image) && (image.origin === location.origin || IMAGE_HOSTS.includes(image.host));
  return Object.assign({}, popup, {link: web(link) ? link.href : null, image: ours ? image.href : null});
};
"""


def guarded_script(image_hosts: list[str]) -> str:
    """datasette-cluster-map's script with the popup guard, allowing images from ``image_hosts``."""
    script = PACKAGE_SCRIPT.read_text(encoding="utf-8")
    if script.count(POPUP_RENDERING) != 1:
        raise RuntimeError("map_popups: datasette-cluster-map's popup code changed; review the guard")
    guard = GUARD.replace("IMAGE_HOSTS", json.dumps(sorted(image_hosts)))
    guarded = "    popup = clusterMapSafePopup(popup);\n" + POPUP_RENDERING
    return guard + script.replace(POPUP_RENDERING, guarded)


@hookimpl
def register_routes(datasette) -> list:
    config = datasette.plugin_config("datasette-cluster-map") or {}
    script = guarded_script(config.get("popup_image_hosts", []))

    async def serve_script() -> Response:
        return Response(script, content_type="application/javascript; charset=utf-8")

    return [(r"^/-/static-plugins/datasette[-_]cluster[-_]map/datasette-cluster-map\.js$", serve_script)]
