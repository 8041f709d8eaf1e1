// Starts ReDoc on /redoc from a file, since the page's CSP allows no inline script.
window.addEventListener("load", function () {
  var root = document.getElementById("redoc");
  Redoc.init(root.dataset.spec, { hideDownloadButton: false }, root);
});
