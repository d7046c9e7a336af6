// nido's only script: small comforts on top of pages that work without it.
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  // The "nouvelle intervention" form offers three follow-up actions; show
  // the first, and the others when asked (or when already filled in).
  for (const form of document.querySelectorAll("[data-intervention-form]")) {
    const rows = Array.from(form.querySelectorAll("[data-action-row]"));
    const filled = (row) =>
      Array.from(row.querySelectorAll("input")).some((input) => input.value.trim() !== "") ||
      row.querySelector(".field--error") !== null;
    let shown = 1;
    rows.forEach((row, index) => {
      if (index > 0 && !filled(row)) {
        row.hidden = true;
      } else {
        shown = index + 1;
      }
    });
    if (shown >= rows.length) continue;
    const add = document.createElement("button");
    add.type = "button";
    add.className = "button button--secondary";
    add.textContent = "Ajouter une autre action";
    add.addEventListener("click", () => {
      const next = rows.find((row) => row.hidden);
      if (!next) return;
      next.hidden = false;
      const first = next.querySelector("input");
      if (first) first.focus();
      if (!rows.some((row) => row.hidden)) add.remove();
    });
    rows[rows.length - 1].after(add);
  }

  // After a refused form, bring the list of errors into view and focus.
  const errors = document.getElementById("erreurs-intervention");
  if (errors) {
    errors.setAttribute("tabindex", "-1");
    errors.focus();
  }
});
