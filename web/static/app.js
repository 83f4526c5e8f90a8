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
// The list of communes to tick: a search field (shown only with JavaScript) keeps the matching ones in view.
function folded(text) {
  return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/đ/g, "d").replace(/Đ/g, "D").toLowerCase();
}
document.addEventListener("input", function (event) {
  var field = event.target.closest("[data-pick-filter]");
  if (!field) { return; }
  var wanted = folded(field.value.trim());
  var list = document.getElementById(field.getAttribute("data-pick-filter"));
  list.querySelectorAll(".check").forEach(function (item) {
    item.hidden = wanted !== "" && folded(item.textContent).indexOf(wanted) < 0;
  });
  list.querySelectorAll("fieldset").forEach(function (group) {
    group.hidden = group.querySelector(".check:not([hidden])") === null;
  });
});
document.addEventListener("keydown", function (event) {
  if (event.key === "Enter" && event.target.closest("[data-pick-filter]")) { event.preventDefault(); }
});
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("[data-needs-script]").forEach(function (part) { part.hidden = false; });
});
