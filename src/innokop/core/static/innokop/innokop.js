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
// Error summary (the GOV.UK pattern): on a page that shows one, focus moves to it so it is read out
// first; a link in it moves focus to its field and scrolls the field's label or legend into view.
document.addEventListener("DOMContentLoaded", () => {
  const summary = document.querySelector(".govuk-error-summary");
  if (!summary) return;
  summary.setAttribute("tabindex", "-1");
  summary.focus();
});
document.addEventListener("click", (event) => {
  const link = event.target.closest(".govuk-error-summary__list a[href*='#']");
  if (!link || link.pathname !== window.location.pathname) return;
  const target = document.getElementById(decodeURIComponent(link.hash.slice(1)));
  const controls = "input:not([type=hidden]), select, textarea";
  // A field's own id, or the group of radios or checkboxes around it; other targets keep the browser's jump.
  const field = target && (target.matches(controls) ? target
    : target.matches(".govuk-form-group") ? target.querySelector(controls) : null);
  if (!field) return;
  event.preventDefault();
  const legend = field.closest("fieldset")?.querySelector("legend");
  const label = legend || document.querySelector(`label[for="${CSS.escape(field.id)}"]`);
  (label || field).scrollIntoView();
  field.focus({ preventScroll: true });
});
