// Progressive enhancement only: every page works without JavaScript.
document.addEventListener("click", function (event) {
  if (event.target.closest("[data-print]")) { window.print(); }
});
document.addEventListener("DOMContentLoaded", function () {
  var summary = document.getElementById("error-summary");
  if (summary) { summary.focus(); }
});
// A user's scope fields: show only those the chosen role uses (without JavaScript all show, and the server ignores the others).
function showScope(select) {
  var form = select.form;
  form.querySelectorAll("[data-scope]").forEach(function (part) {
    part.hidden = part.getAttribute("data-scope").split(" ").indexOf(select.value) < 0;
  });
}
document.addEventListener("change", function (event) {
  if (event.target.matches("[data-role-select]")) { showScope(event.target); }
});
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("[data-role-select]").forEach(showScope);
});
