/* Link previews: hovering or focusing a link to another story shows a popover with the story's
   title, newsletter, date and first lines. The build lists a page's story links in a JSON map,
   href -> "<document shard>:<index>" (<script type="application/json" id="story-links">), and the
   story is read from the search index's document shards through NA_SEARCH.doc (search.js, loaded
   first): no request beyond the site's own files, and it works from file://.
   The popover is a role="tooltip" the link names with aria-describedby while it shows; Esc hides
   it, and it takes no pointer events, so it never covers a click. */
(function () {
  "use strict";

  const HOVER_DELAY = 300;  // ms a pointer rests on a link before its preview shows
  const TEXT_CHARS = 280;
  const GAP = 8;  // px between the link and the popover, and at least from the window's edges
  const ID = "story-preview";

  const search = window.NA_SEARCH;
  const listed = document.getElementById("story-links");
  const keys = listed ? JSON.parse(listed.textContent) : {};
  let tip = null;
  let current = null;  // the link whose preview shows or is about to
  let timer = 0;

  function storyLink(node) {
    const link = node && node.closest ? node.closest("a[href]") : null;
    return link && Object.prototype.hasOwnProperty.call(keys, link.getAttribute("href")) ? link : null;
  }

  function popover() {
    if (!tip) {
      tip = document.createElement("div");
      tip.id = ID;
      tip.className = "preview";
      tip.setAttribute("role", "tooltip");
      tip.hidden = true;
      (document.querySelector("main") || document.body).append(tip);  // in a landmark, as all content
    }
    return tip;
  }

  function line(className, text) {
    const node = document.createElement("span");
    node.className = className;
    node.textContent = text;
    return node;
  }

  function firstLines(text) {
    if (text.length <= TEXT_CHARS) return text;
    const cut = text.lastIndexOf(" ", TEXT_CHARS);
    return text.slice(0, cut > 0 ? cut : TEXT_CHARS) + "…";
  }

  // Below the link, or above it when the window has no room below; never past its sides.
  function place(link) {
    const box = link.getBoundingClientRect();
    const width = tip.offsetWidth;
    const height = tip.offsetHeight;
    const left = Math.max(GAP, Math.min(box.left, document.documentElement.clientWidth - width - GAP));
    const below = box.bottom + GAP + height <= window.innerHeight || box.top < height + GAP;
    tip.style.left = left + window.scrollX + "px";
    tip.style.top = (below ? box.bottom + GAP : box.top - GAP - height) + window.scrollY + "px";
  }

  function show(link, record) {
    if (link !== current || !record) return;
    popover().textContent = "";
    tip.append(line("preview__title", record.title), line("preview__meta", record.meta),
      line("preview__text", firstLines(record.text)));
    tip.hidden = false;
    place(link);
    link.setAttribute("aria-describedby", ID);
  }

  function hide() {
    clearTimeout(timer);
    if (current) current.removeAttribute("aria-describedby");
    current = null;
    if (tip) tip.hidden = true;
  }

  function schedule(link, delay) {
    if (link === current) return;
    hide();
    current = link;
    timer = setTimeout(() => {
      search.doc(keys[link.getAttribute("href")]).then((record) => show(link, record), hide);
    }, delay);
  }

  if (!search || !listed) return;
  document.addEventListener("mouseover", (event) => {
    const link = storyLink(event.target);
    if (link) schedule(link, HOVER_DELAY);
  });
  document.addEventListener("mouseout", (event) => {
    const link = storyLink(event.target);
    if (link && link === current && !link.contains(event.relatedTarget)) hide();
  });
  document.addEventListener("focusin", (event) => {
    const link = storyLink(event.target);
    if (link) schedule(link, 0);
  });
  document.addEventListener("focusout", (event) => {
    if (storyLink(event.target) === current) hide();
  });
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && current) hide();
  });
})();
