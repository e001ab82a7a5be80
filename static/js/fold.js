// Loaded in <head>, before the page is drawn: on a phone the filter panel is shown folded from the first paint
// (site.js then closes it for real), so the results do not jump when the script runs. Without scripts it stays open.
if (window.matchMedia("(max-width: 48rem)").matches) {
  document.documentElement.classList.add("fold-filters");
}
