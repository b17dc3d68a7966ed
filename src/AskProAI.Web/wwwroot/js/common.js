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

  // The antiforgery token every write with the sign-in cookie carries (GET /api/auth/antiforgery), fetched once.
  let antiforgery = null;
  function antiforgeryToken() {
    antiforgery ??= fetch("/api/auth/antiforgery", { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(r => (r.ok ? r.json() : Promise.reject(new Error(`${r.status} ${r.statusText}`))))
      .catch(error => { antiforgery = null; throw error; });
    return antiforgery;
  }

  // A JSON request to this service: 401 goes to the login page, any other failure throws the problem's detail.
  async function request(url, options = {}) {
    const headers = { Accept: "application/json", "Content-Type": "application/json" };
    if (options.method && options.method !== "GET") {
      const token = await antiforgeryToken();
      headers[token.headerName] = token.token;
    }
    const response = await fetch(url, { credentials: "same-origin", headers, ...options });
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

  // The logout button is a form post (a link must not sign anyone out); it carries the antiforgery token as a field.
  document.addEventListener("DOMContentLoaded", () => {
    const form = document.getElementById("logout-form");
    if (!form) return;
    antiforgeryToken().then(token => {
      form.append(el("input", { type: "hidden", name: token.formFieldName, value: token.token }));
      form.dataset.ready = "true";
    }).catch(() => { /* the form then fails with 400 and the page stays */ });
  });

  return { el, svg, showError, request };
})();
