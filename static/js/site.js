// Progressive enhancement only: every page works without this file.
document.documentElement.classList.add("js");
document.addEventListener("change", (event) => {
  const form = event.target.form;
  if (form && form.hasAttribute("data-autosubmit") && event.target.type !== "search") {
    form.requestSubmit();
  }
});

// On a phone the results matter first: fold the filters (they stay one tap away, and open without JS).
if (window.matchMedia("(max-width: 48rem)").matches) {
  for (const panel of document.querySelectorAll("details[data-fold-on-phone]")) {
    panel.open = false;
  }
}
