/* The phone page's service worker (served at /onset/sw.js so its scope is /onset/).
 *
 * It keeps the last copy of each phone page (/onset/runs/<n>/) and the files it uses, so the
 * page opens without a network; signals themselves are never cached: the page's outbox and
 * the server are the only truth about them.
 */
"use strict";

var CACHE = "closedset-onset-shell-v1";
var PHONE_PAGE = /^\/onset\/runs\/\d+\/$/;

self.addEventListener("install", function () {
  self.skipWaiting();
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches
      .keys()
      .then(function (names) {
        return Promise.all(
          names
            .filter(function (name) {
              return name.indexOf("closedset-onset-shell-") === 0 && name !== CACHE;
            })
            .map(function (name) {
              return caches.delete(name);
            })
        );
      })
      .then(function () {
        return self.clients.claim();
      })
  );
});

function keep(request, response) {
  if (!response || !response.ok || response.redirected || response.type !== "basic") return;
  var copy = response.clone();
  caches.open(CACHE).then(function (cache) {
    cache.put(request, copy);
  });
}

// The page names its shell (itself, its styles and scripts) once it is controlled.
self.addEventListener("message", function (event) {
  var urls = (event.data && event.data.cache) || [];
  urls.forEach(function (url) {
    var target = new URL(url, self.location.origin);
    if (target.origin !== self.location.origin) return;
    fetch(target.href, { credentials: "same-origin" })
      .then(function (response) {
        keep(target.pathname, response);
      })
      .catch(function () {});
  });
});

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") return;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === "navigate" && PHONE_PAGE.test(url.pathname)) {
    // Network first: the page is fresh whenever it can be.
    event.respondWith(
      fetch(request)
        .then(function (response) {
          keep(url.pathname, response);
          return response;
        })
        .catch(function () {
          return caches.match(url.pathname).then(function (cached) {
            return cached || Response.error();
          });
        })
    );
    return;
  }
  if (url.pathname.indexOf("/static/") === 0) {
    // Static files are hashed by name: a cached copy is the right copy.
    event.respondWith(
      caches.match(url.pathname).then(function (cached) {
        return (
          cached ||
          fetch(request).then(function (response) {
            keep(url.pathname, response);
            return response;
          })
        );
      })
    );
  }
});
