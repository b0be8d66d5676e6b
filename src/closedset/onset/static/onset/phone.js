/* The performer's PAUSE and STOP (docs/shootday.md).
 *
 * A press is written to an IndexedDB outbox with a fresh key BEFORE it is sent, and shows
 * "Not sent yet" until the server answers with the stored signal. The outbox is replayed on
 * `online`, on `visibilitychange` and every 3 seconds while anything is unsent; the server
 * keeps the first signal per key, so a replay is harmless. Acknowledgements are read by
 * polling `signals/?after=` (a WebSocket, when one connects, only makes that sooner).
 */
(function () {
  "use strict";

  var root = document.getElementById("phone");
  if (!root) return;

  var RUN = root.dataset.run;
  var SIGNALS = root.dataset.signals;
  var DB_NAME = "closedset-onset";
  var STORE = "outbox";
  var NOT_SENT = "not sent yet";
  var SENT = "sent";
  var SEEN = "seen";
  var REFUSED = "refused";
  // The words come from the page, in the reader's language (data-t-* on #phone); the
  // English here is only what an older cached page without them still shows.
  function text(name, fallback, values) {
    var found = root.dataset[name] || fallback;
    Object.keys(values || {}).forEach(function (slot) {
      found = found.split("{" + slot + "}").join(values[slot]);
    });
    return found;
  }
  var LABEL = { pause: text("tPause", "PAUSE"), stop: text("tStop", "STOP") };

  var statusBox = document.getElementById("phone-status");
  var earlierList = document.getElementById("phone-earlier");
  var trouble = document.getElementById("phone-trouble");

  var entries = {}; // key -> entry, for this run
  var inFlight = {};
  var polling = false;
  var memoryOnly = false;
  var db = null;

  // --- the outbox ---------------------------------------------------------------------------

  function openDb() {
    return new Promise(function (resolve) {
      if (!window.indexedDB) {
        resolve(null);
        return;
      }
      var request;
      try {
        request = window.indexedDB.open(DB_NAME, 1);
      } catch (error) {
        resolve(null);
        return;
      }
      request.onupgradeneeded = function () {
        request.result.createObjectStore(STORE, { keyPath: "key" });
      };
      request.onsuccess = function () {
        resolve(request.result);
      };
      request.onerror = function () {
        resolve(null);
      };
    });
  }

  function save(entry) {
    entries[entry.key] = entry;
    if (!db) return Promise.resolve();
    return new Promise(function (resolve) {
      try {
        var tx = db.transaction(STORE, "readwrite");
        tx.objectStore(STORE).put(entry);
        tx.oncomplete = function () {
          resolve();
        };
        tx.onerror = tx.onabort = function () {
          memoryOnly = true;
          resolve();
        };
      } catch (error) {
        memoryOnly = true;
        resolve();
      }
    });
  }

  function forget(key) {
    try {
      db.transaction(STORE, "readwrite").objectStore(STORE).delete(key);
    } catch (error) {
      /* kept; harmless */
    }
  }

  function loadAll() {
    if (!db) return Promise.resolve();
    return new Promise(function (resolve) {
      try {
        var request = db.transaction(STORE, "readonly").objectStore(STORE).getAll();
        request.onsuccess = function () {
          var old = Date.now() - 2 * 24 * 3600 * 1000;
          (request.result || []).forEach(function (entry) {
            if (entry.state !== NOT_SENT && (entry.made_at || 0) < old) {
              forget(entry.key); // delivered days ago: nothing left to do with it
            } else if (entry.run === RUN) {
              entries[entry.key] = entry;
            }
          });
          resolve();
        };
        request.onerror = function () {
          resolve();
        };
      } catch (error) {
        resolve();
      }
    });
  }

  function newKey() {
    if (window.crypto && typeof window.crypto.randomUUID === "function") {
      return window.crypto.randomUUID();
    }
    // Pages served over plain http on a LAN have no randomUUID: 16 random bytes in hex.
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return Array.prototype.map
      .call(bytes, function (b) {
        return ("0" + b.toString(16)).slice(-2);
      })
      .join("");
  }

  // --- talking to the server ------------------------------------------------------------------

  function csrfToken() {
    var match = document.cookie.match(/(?:^|;\s*)(?:__Host-)?closedset-csrf=([^;]+)/);
    if (match) return decodeURIComponent(match[1]);
    var field = root.querySelector("input[name=csrfmiddlewaretoken]");
    return field ? field.value : "";
  }

  function say(text) {
    trouble.textContent = text || "";
    trouble.hidden = !text;
  }

  function send(entry) {
    if (entry.state !== NOT_SENT || inFlight[entry.key]) return Promise.resolve();
    inFlight[entry.key] = true;
    return fetch(SIGNALS, {
      method: "POST",
      credentials: "same-origin",
      headers: {
        "Content-Type": "application/json",
        Accept: "application/json",
        "X-CSRFToken": csrfToken(),
      },
      body: JSON.stringify({ kind: entry.kind, key: entry.key }),
    })
      .then(function (response) {
        return response
          .json()
          .catch(function () {
            return null;
          })
          .then(function (data) {
            return { response: response, data: data };
          });
      })
      .then(function (answer) {
        var data = answer.data;
        var status = answer.response.status;
        if (answer.response.ok && data && data.key === entry.key && data.seq) {
          // Only the stored signal, with its number, makes it "sent".
          entry.state = data.acknowledged ? SEEN : SENT;
          entry.seq = data.seq;
          say("");
          return save(entry).then(function () {
            render();
            poll();
          });
        }
        if ((status === 400 || status === 404) && data && data.detail) {
          entry.state = REFUSED;
          entry.detail = data.detail;
          return save(entry).then(render);
        }
        if (status === 401 && data && data.detail) {
          say(data.detail);
        } else if (status === 403) {
          say(
            text(
              "tToken",
              "The server refused this page's form token. Reload the page; your press is kept."
            )
          );
        }
        return undefined;
      })
      .catch(function () {
        // No network: it stays "not sent yet" and is tried again.
      })
      .then(function () {
        delete inFlight[entry.key];
      });
  }

  function unsent() {
    return Object.keys(entries)
      .map(function (key) {
        return entries[key];
      })
      .filter(function (entry) {
        return entry.state === NOT_SENT;
      });
  }

  function replay() {
    unsent().forEach(send);
  }

  function pollFrom() {
    // Acknowledging does not change a signal's number, so ask again from the oldest one
    // still waiting; with nothing waiting, from the newest.
    var after = null;
    var newest = 0;
    Object.keys(entries).forEach(function (key) {
      var entry = entries[key];
      if (!entry.seq) return;
      newest = Math.max(newest, entry.seq);
      if (entry.state === SENT) after = after === null ? entry.seq - 1 : Math.min(after, entry.seq - 1);
    });
    return after === null ? newest : after;
  }

  function waiting() {
    return Object.keys(entries).some(function (key) {
      return entries[key].state === SENT;
    });
  }

  function poll(from) {
    if (polling) return Promise.resolve();
    polling = true;
    var after = typeof from === "number" ? from : pollFrom();
    return fetch(SIGNALS + "?after=" + after, {
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    })
      .then(function (response) {
        return response.ok ? response.json() : null;
      })
      .then(function (data) {
        if (!data || !data.signals) return undefined;
        var changes = [];
        data.signals.forEach(function (item) {
          if (!item.mine || !item.key) return;
          var entry = entries[item.key] || { key: item.key, run: RUN, kind: item.kind };
          entry.seq = item.seq;
          entry.kind = item.kind;
          entry.stored_time = item.stored_time;
          entry.made_at = entry.made_at || Date.parse(item.stored_at) || Date.now();
          if (item.acknowledged_at) {
            entry.state = SEEN;
            entry.seen_by = item.seen_by;
            entry.seen_at = item.seen_at;
          } else {
            entry.state = SENT;
          }
          changes.push(save(entry));
        });
        return Promise.all(changes).then(render);
      })
      .catch(function () {})
      .then(function () {
        polling = false;
      });
  }

  // --- what the screen says -------------------------------------------------------------------

  function words(entry) {
    if (entry.state === SEEN) {
      return text("tSeen", "Seen by {by} at {at}", { by: entry.seen_by, at: entry.seen_at });
    }
    if (entry.state === SENT) return text("tSent", "Sent — waiting for the coordinator");
    if (entry.state === REFUSED) {
      return text("tRefused", "Not sent: {detail} Say it out loud.", { detail: entry.detail });
    }
    return text("tNotSent", "Not sent yet");
  }

  function line(entry, element) {
    var strong = document.createElement("strong");
    strong.textContent = LABEL[entry.kind] || "";
    element.appendChild(strong);
    element.appendChild(document.createTextNode(": "));
    var state = document.createElement("span");
    state.className = { seen: "seen", sent: "sent" }[entry.state] || "not-sent";
    state.textContent = words(entry);
    element.appendChild(state);
  }

  function ordered() {
    return Object.keys(entries)
      .map(function (key) {
        return entries[key];
      })
      .sort(function (a, b) {
        return (b.made_at || 0) - (a.made_at || 0);
      });
  }

  function render() {
    var all = ordered();
    statusBox.textContent = "";
    earlierList.textContent = "";
    if (all.length) {
      var latest = document.createElement("p");
      latest.className = "onset-latest";
      line(all[0], latest);
      statusBox.appendChild(latest);
    }
    all.slice(1, 6).forEach(function (entry) {
      var item = document.createElement("li");
      line(entry, item);
      earlierList.appendChild(item);
    });
    if (memoryOnly || !db) {
      say(
        text(
          "tMemory",
          "This phone cannot keep unsent presses if the page closes. Keep this page open."
        )
      );
    }
  }

  function press(kind) {
    var entry = {
      key: newKey(),
      run: RUN,
      kind: kind,
      state: NOT_SENT,
      made_at: Date.now(),
    };
    // Stored first, then shown, then sent.
    return save(entry).then(function () {
      render();
      return send(entry);
    });
  }

  // --- the socket, when there is one ----------------------------------------------------------

  function connect() {
    if (!window.WebSocket) return;
    var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    var socket;
    try {
      socket = new WebSocket(scheme + window.location.host + "/ws/onset/" + RUN + "/");
    } catch (error) {
      return;
    }
    socket.onopen = function () {
      socket.opened = true;
      replay();
      poll();
    };
    socket.onmessage = function () {
      poll();
    };
    socket.onerror = function () {};
    // A socket that worked once is worth reopening; one never answered, polling does its work.
    socket.onclose = function () {
      if (socket.opened) window.setTimeout(connect, 5000);
    };
  }

  // --- wiring ---------------------------------------------------------------------------------

  root.querySelectorAll("form.onset-press").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      press(form.dataset.kind);
    });
  });

  window.addEventListener("online", function () {
    replay();
    poll();
  });
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible") {
      replay();
      poll();
    }
  });
  window.setInterval(function () {
    if (unsent().length) replay();
  }, 3000);
  window.setInterval(function () {
    if (waiting()) poll();
  }, 2000);

  openDb()
    .then(function (opened) {
      db = opened;
      return loadAll();
    })
    .then(function () {
      return poll(0);
    })
    .then(function () {
      render();
      replay();
      connect();
    });

  if ("serviceWorker" in navigator && root.dataset.sw) {
    navigator.serviceWorker
      .register(root.dataset.sw, { scope: "/onset/" })
      .then(function () {
        return navigator.serviceWorker.ready;
      })
      .then(function (registration) {
        var urls = (root.dataset.shell || "").split(" ").filter(Boolean);
        if (registration.active) registration.active.postMessage({ cache: urls });
      })
      .catch(function () {});
  }
})();
