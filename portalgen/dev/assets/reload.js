// portalgen dev server: reload this page when the site is rebuilt.
// Served and injected only by `portalgen serve`; `portalgen build` output never contains it.
(function () {
  "use strict";
  var me = document.currentScript;
  var build = me ? me.getAttribute("data-build") : null;

  var hide = document.querySelector("[data-portalgen-dismiss]");
  if (hide) {
    hide.addEventListener("click", function () {
      var overlay = document.getElementById("portalgen-overlay");
      if (overlay) { overlay.hidden = true; }
    });
  }

  if (!("EventSource" in window) || build === null) { return; }
  // The page it shows: the server renders open pages first after an edit, and reloads them first.
  var source = new EventSource("/__portalgen/events?page=" + encodeURIComponent(window.location.pathname));

  // Every message names the build the server has now. This page was served by build
  // `data-build`; any other build (a rebuild, a failed rebuild with an overlay, the overlay
  // gone after a fix, or a restarted server) means the page is out of date.
  function onBuild(event) {
    var info;
    try { info = JSON.parse(event.data); } catch (e) { return; }
    if (info && info.build && info.build !== build) {
      source.close();
      window.location.reload();
    }
  }
  source.addEventListener("hello", onBuild);
  source.addEventListener("reload", onBuild);

  window.addEventListener("pagehide", function () { source.close(); });
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) { window.location.reload(); }  // back/forward cache: check again
  });
})();
