// Progressive enhancement only: the receipt prints from the browser's own menu without this file.
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll(".ik-print[hidden]").forEach((button) => {
    button.hidden = false;
    button.addEventListener("click", () => window.print());
  });
});
