// The schedule on a phone: only the current phase stays open, so the page is not 52 cards tall.
// Without script (or on a wider screen) every phase is open.
(function () {
  "use strict";
  if (!window.matchMedia("(max-width: 600px)").matches) return;
  var target = window.location.hash ? document.getElementById(window.location.hash.slice(1)) : null;
  document.querySelectorAll("details.phase-group").forEach(function (details) {
    var holdsTarget = target && details.contains(target);
    if (!details.hasAttribute("data-current") && !holdsTarget) details.open = false;
  });
  // "Jump to this week" and week links inside a closed phase open it first.
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a[href^='#']");
    if (!link) return;
    var element = document.getElementById(link.getAttribute("href").slice(1));
    var details = element && element.closest("details");
    if (details) details.open = true;
  });
})();
