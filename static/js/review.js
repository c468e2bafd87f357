// The review page's keyboard: on the answer side, 1-4 press the rating buttons (Again, Hard, Good,
// Easy); on the question side, 1-9 pick the choice of that number. Keys typed into a text field are
// left alone. No inline script: the CSP forbids it.
(function () {
  "use strict";
  function typing(target) {
    var tag = target && target.tagName;
    return tag === "TEXTAREA" || tag === "SELECT" || (tag === "INPUT" && !/^(radio|checkbox|submit|button)$/.test(target.type));
  }
  document.addEventListener("keydown", function (event) {
    if (event.altKey || event.ctrlKey || event.metaKey || typing(event.target)) return;
    if (!/^[1-9]$/.test(event.key)) return;
    var rating = document.querySelector("[data-rating-key='" + event.key + "']");
    if (rating) {
      event.preventDefault();
      rating.click();
      return;
    }
    var options = document.querySelectorAll("[data-review-question] input[type=radio], [data-review-question] input[type=checkbox]");
    var option = options[Number(event.key) - 1];
    if (option) {
      event.preventDefault();
      option.focus();
      option.click();
    }
  });
})();
