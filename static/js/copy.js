// "Copy" buttons: <button data-copy="ID"> copies the value of the field with that id, and says so in
// the element marked data-copy-status="ID" (a live region), in the page's language (gettext: base.html
// loads the JavaScript catalogue first).
(function () {
  "use strict";
  // The page's JavaScript catalogue (base.html) defines these; without it, the English words.
  var gettext = window.gettext || function (text) { return text; };
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("button[data-copy]");
    if (!button) return;
    var id = button.getAttribute("data-copy");
    var field = document.getElementById(id);
    var status = document.querySelector("[data-copy-status='" + id + "']");
    if (!field) return;
    function done(message) {
      if (status) status.textContent = message;
    }
    function fallback() {
      field.select();
      try {
        done(document.execCommand("copy") ? gettext("Copied.") : gettext("Select the link and copy it."));
      } catch (error) {
        done(gettext("Select the link and copy it."));
      }
    }
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(field.value).then(function () { done(gettext("Copied.")); }, fallback);
    } else {
      fallback();
    }
  });
})();
