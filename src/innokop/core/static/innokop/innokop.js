// Progressive enhancement only: every page works without this file.
// CPV picker: "Add" buttons in the search results append the code to the form's CPV field.
document.addEventListener("click", (event) => {
  const button = event.target.closest(".ik-cpv-add");
  if (!button) return;
  const field = document.querySelector("textarea[data-cpv-target]");
  if (!field) return;
  const codes = field.value.split(/[\s,;]+/).filter(Boolean);
  if (!codes.includes(button.dataset.cpvCode)) codes.push(button.dataset.cpvCode);
  field.value = codes.join(", ");
  field.focus();
});
// Buttons that need JavaScript are hidden in the HTML and shown here, also in results HTMX swaps in.
const reveal = (root) => root.querySelectorAll(".ik-cpv-add[hidden]").forEach((b) => { b.hidden = false; });
document.addEventListener("DOMContentLoaded", () => reveal(document));
document.addEventListener("htmx:afterSwap", (event) => reveal(event.target));
