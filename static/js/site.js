// Progressive enhancement only: every page works without this file, with plain links and forms.
document.documentElement.classList.add("js");

// On a phone the results matter first: fold the filters (they stay one tap away, and open without JS).
// fold.js has drawn it folded already (class fold-filters); closing it now changes nothing on screen.
if (window.matchMedia("(max-width: 48rem)").matches) {
  for (const panel of document.querySelectorAll("details[data-fold-on-phone]")) {
    panel.open = false;
  }
}
document.documentElement.classList.remove("fold-filters");

// The vacancy list. A filter applies as soon as it changes. With fetch and the history API, a new
// selection (filter, search, page or "remove filter" link) is fetched as the ordinary list page, and its
// regions marked data-swap replace the current ones: no full reload, the URL stays shareable, and the new
// count is read out. Anything unexpected falls back to loading the page the ordinary way.
const AUTOSUBMIT = "form[data-autosubmit]";

document.addEventListener("change", (event) => {
  const form = event.target.form;
  if (form && form.matches(AUTOSUBMIT) && event.target.type !== "search") {
    form.requestSubmit();
  }
});

const enhanced = document.querySelector(AUTOSUBMIT) && window.fetch && window.DOMParser && window.history.pushState;

if (enhanced) {
  const listPath = new URL(document.querySelector(AUTOSUBMIT).action).pathname;
  let shown = location.pathname + location.search;
  let controller = null;

  const announce = (text) => {
    const region = document.querySelector("[data-announce]");
    if (!region) return;
    // Emptied first, so the same count twice in a row is read out again.
    region.textContent = "";
    setTimeout(() => { region.textContent = text; }, 100);
  };

  const focusResults = () => {
    const heading = document.getElementById("results-title");
    if (heading) heading.focus();
  };

  const restoreFocus = (id) => {
    const element = id && document.getElementById(id);
    if (!element) {
      focusResults();
      return;
    }
    element.focus();
    if (element.type === "search") {
      element.setSelectionRange(element.value.length, element.value.length);
    }
  };

  const show = async (url, { push = true, focus = "restore" } = {}) => {
    if (controller) controller.abort();
    controller = new AbortController();
    const results = document.querySelector('[data-swap="results"]');
    if (results) results.setAttribute("aria-busy", "true");
    let next;
    try {
      const response = await fetch(url, { signal: controller.signal, headers: { Accept: "text/html" } });
      next = new DOMParser().parseFromString(await response.text(), "text/html");
    } catch (error) {
      if (error.name !== "AbortError") location.assign(url);
      return;
    }
    if (!next.querySelector('[data-swap="results"]')) {
      location.assign(url); // not the list page (a server error, say): let the browser show it
      return;
    }
    const focusedId = document.activeElement && document.activeElement.id;
    for (const region of document.querySelectorAll("[data-swap]")) {
      const replacement = next.querySelector(`[data-swap="${region.dataset.swap}"]`);
      if (replacement) region.replaceWith(document.adoptNode(replacement));
    }
    document.title = next.title;
    const target = new URL(url, location.href);
    shown = target.pathname + target.search;
    if (push) history.pushState({ catalogue: true }, "", target);
    if (focus === "results") focusResults();
    else if (focus === "restore") restoreFocus(focusedId);
    const count = document.getElementById("results-title");
    if (count) announce(count.textContent.trim());
  };

  document.addEventListener("submit", (event) => {
    const form = event.target;
    if (!form.matches(AUTOSUBMIT)) return;
    event.preventDefault();
    const url = new URL(form.action);
    for (const [name, value] of new FormData(form)) {
      if (value !== "") url.searchParams.append(name, value);
    }
    show(url.href);
  });

  document.addEventListener("click", (event) => {
    const link = event.target.closest("a[href]");
    if (!link || !link.closest("[data-swap]")) return;
    if (event.defaultPrevented || event.button !== 0) return;
    if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return; // a new tab or window
    if (link.target || link.hasAttribute("download") || link.hasAttribute("hreflang")) return;
    if (link.origin !== location.origin || link.pathname !== listPath) return;
    event.preventDefault();
    // The link itself is replaced: the reader continues at the top of the new results.
    show(link.href, { focus: "results" });
  });

  history.replaceState({ catalogue: true }, "");
  window.addEventListener("popstate", (event) => {
    // Back and forward between selections; a jump to #main (the skip link) changes no selection.
    if (!(event.state && event.state.catalogue)) return;
    if (location.pathname + location.search === shown) return;
    show(location.href, { push: false, focus: "none" });
  });
}
