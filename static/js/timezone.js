// Chooses the browser's time zone in a <select data-browser-zone> (the enrol form), when it offers it.
// Browsers may report a deprecated alias (Chrome: "Asia/Calcutta"): data-aliases maps it to its option.
(function () {
  "use strict";
  var zone;
  try {
    zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  } catch (error) {
    return;
  }
  if (!zone) return;
  document.querySelectorAll("select[data-browser-zone]").forEach(function (select) {
    var aliases = JSON.parse(select.getAttribute("data-aliases") || "{}");
    var name = aliases[zone] || zone;
    for (var i = 0; i < select.options.length; i++) {
      if (select.options[i].value === name) {
        select.value = name;
        return;
      }
    }
  });
})();
