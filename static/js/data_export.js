// "Your data": while an export is being prepared, fetch its part of the page again every 2 seconds
// (the element marked data-export-poll names the URL) until it is ready, failed or gone.
(function () {
  "use strict";
  var box = document.getElementById("export-status");
  if (!box || !window.fetch) return;
  function poll() {
    var marker = box.querySelector("[data-export-poll]");
    if (!marker) return;
    window.setTimeout(function () {
      fetch(marker.getAttribute("data-export-poll"), { credentials: "same-origin" })
        .then(function (response) {
          if (!response.ok) throw new Error(response.status);
          return response.text();
        })
        .then(function (html) {
          box.innerHTML = html;
          poll();
        })
        .catch(function () { window.setTimeout(poll, 5000); });
    }, 2000);
  }
  poll();
})();
