// Training pages. "All present" marks everyone present without sending the form, so that the trainer
// can then tap the exceptions and save once (without JavaScript the button saves everyone present).
document.addEventListener("click", (event) => {
  const allPresent = event.target.closest("[data-all-present]");
  if (allPresent) {
    event.preventDefault();
    allPresent.form.querySelectorAll("input[data-present]").forEach((radio) => {
      radio.checked = true;
    });
    return;
  }
  const print = event.target.closest("[data-print]");
  if (print) {
    event.preventDefault();
    window.print();
  }
});
