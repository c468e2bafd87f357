// The mentor workspace (charts of the whole group) is built by its own request, so that paging,
// sorting and filtering the table never rebuild it: this swaps the placeholder's link for the charts.
// Without JavaScript the link opens them as a page of their own.
(function () {
  "use strict";
  var slot = document.querySelector("[data-workspace-src]");
  if (!slot || !window.fetch) return;
  slot.setAttribute("aria-busy", "true");
  fetch(slot.getAttribute("data-workspace-src"), {
    credentials: "same-origin",
    headers: { "X-Fragment": "workspace" },
  })
    .then(function (response) {
      if (!response.ok) throw new Error(response.status);
      return response.text();
    })
    .then(function (html) {
      var holder = document.createElement("div");
      holder.innerHTML = html;
      slot.replaceWith.apply(slot, Array.prototype.slice.call(holder.childNodes));
    })
    .catch(function () {
      slot.removeAttribute("aria-busy");  // the link stays: the charts open as a page
    });
})();
