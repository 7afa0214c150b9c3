// Service worker of the verify pages: network first, the copy cached at the last visit when offline.
// It answers only for the verify pages, the GS1 Digital Link pages, the trust list, the status lists and
// the site's own assets; every other request goes to the network untouched.
"use strict";
var CACHE = "ocop-xac-minh-v1";
var BASE = new URL("./", self.location).pathname;
var WANTED = /^(xac-minh\/|01\/|\.well-known\/ocop-keys\.json$|api\/v1\/status\/|assets\/ocop\/)/;

self.addEventListener("install", function () { self.skipWaiting(); });
self.addEventListener("activate", function (event) { event.waitUntil(self.clients.claim()); });

self.addEventListener("fetch", function (event) {
  var url = new URL(event.request.url);
  if (event.request.method !== "GET" || url.origin !== self.location.origin || !url.pathname.startsWith(BASE)) return;
  var rel = url.pathname.slice(BASE.length);
  if (!WANTED.test(rel)) return;
  event.respondWith(answer(event.request, url, rel));
});

async function answer(request, url, rel) {
  var cache = await caches.open(CACHE);
  var key = url.origin + url.pathname + url.search;
  try {
    var response = await fetch(request);
    if (response.ok && !response.redirected) cache.put(key, response.clone());
    return response;
  } catch (offline) {
    var hit = await cache.match(key);
    if (hit) return hit;
    // a stamp's URL has no final slash (…/xac-minh/<id>#…): send the browser to the page cached with one
    if (/^(xac-minh|01)\/[^/]+$/.test(rel) && await cache.match(key + "/")) return Response.redirect(url.pathname + "/", 302);
    throw offline;
  }
}
