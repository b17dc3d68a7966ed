// What the dashboard and the cache analytics page share: element builders, the page's error line, and requests to
// this service with the auth cookie. No framework, no build step, no network beyond this service.
"use strict";

window.AskPro = (() => {
  const SVG_NS = "http://www.w3.org/2000/svg";

  function el(tag, attrs = {}, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs)) {
      if (value === null || value === undefined) continue;
      if (key === "class") node.className = value;
      else node.setAttribute(key, value);
    }
    for (const child of children.flat()) {
      if (child === null || child === undefined) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  function svg(tag, attrs = {}, ...children) {
    const node = document.createElementNS(SVG_NS, tag);
    for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, value);
    for (const child of children) node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    return node;
  }

  function showError(message) {
    const box = document.getElementById("page-error");
    box.textContent = message;
    box.hidden = !message;
  }

  // A JSON request to this service: 401 goes to the login page, any other failure throws the problem's detail.
  async function request(url, options = {}) {
    const response = await fetch(url, { credentials: "same-origin", headers: { Accept: "application/json", "Content-Type": "application/json" }, ...options });
    if (response.status === 401) {
      window.location.assign("/login");
      throw new Error("Signed out");
    }
    if (!response.ok) {
      let detail = `${response.status} ${response.statusText}`;
      try { detail = (await response.json()).detail || detail; } catch { /* not JSON */ }
      throw new Error(detail);
    }
    return response;
  }

  return { el, svg, showError, request };
})();
