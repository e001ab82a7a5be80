// Progressive enhancement only: every page works without this file.
document.documentElement.classList.add("js");
document.addEventListener("change", (event) => {
  const form = event.target.form;
  if (form && form.hasAttribute("data-autosubmit") && event.target.type !== "search") {
    form.requestSubmit();
  }
});
