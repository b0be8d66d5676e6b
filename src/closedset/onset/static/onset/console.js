/* The coordinator's console: asks for new and changed signals every 2 seconds and shows
 * every unacknowledged one loudly. A WebSocket, when one connects, only makes that sooner. */
(function () {
  "use strict";

  var root = document.getElementById("console");
  if (!root) return;

  var SIGNALS = root.dataset.signals;
  var list = document.getElementById("signal-list");
  var alertBox = document.getElementById("onset-alert");
  var empty = document.getElementById("onset-empty");
  var stateLabel = document.getElementById("run-state");
  var offline = document.getElementById("onset-offline");
  var bySeq = {};
  var shown = "";
  var busy = false;
  var firstWaiting = "";
  // The words come from the page, in the reader's language (data-t-* on #console); the
  // English here is only what an older cached page without them still shows.
  function say(name, fallback, values) {
    var found = root.dataset[name] || fallback;
    Object.keys(values || {}).forEach(function (slot) {
      found = found.split("{" + slot + "}").join(values[slot]);
    });
    return found;
  }

  function csrfToken() {
    var field = document.querySelector("input[name=csrfmiddlewaretoken]");
    if (field) return field.value;
    var match = document.cookie.match(/(?:^|;\s*)(?:__Host-)?closedset-csrf=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  function from() {
    // Acknowledging keeps a signal's number: ask again from the oldest still waiting.
    var after = null;
    var newest = 0;
    Object.keys(bySeq).forEach(function (seq) {
      var item = bySeq[seq];
      newest = Math.max(newest, item.seq);
      if (!item.acknowledged_at) {
        after = after === null ? item.seq - 1 : Math.min(after, item.seq - 1);
      }
    });
    return after === null ? newest : after;
  }

  function text(tag, className, words) {
    var element = document.createElement(tag);
    if (className) element.className = className;
    element.textContent = words;
    return element;
  }

  function row(item) {
    var li = document.createElement("li");
    li.className = "onset-signal" + (item.acknowledged_at ? "" : " waiting");
    li.appendChild(text("strong", "onset-kind-" + item.kind, item.label));
    var sentBy = say("tFrom", "from {name} at {time}", { name: item.sender_name, time: item.stored_time });
    li.appendChild(document.createTextNode(" " + sentBy + " "));
    if (item.acknowledged_at) {
      var seen = say("tSeen", "seen by {by} at {at}", { by: item.acknowledged_by_name, at: item.seen_at });
      li.appendChild(text("span", "onset-seen", "— " + seen));
    } else {
      li.appendChild(text("span", "onset-unseen", "— " + say("tUnseen", "not yet seen")));
    }
    if (item.escalated) {
      li.appendChild(text("span", "onset-escalated", " — " + say("tEscalated", "sent on to the producer")));
    }
    if (!item.acknowledged_at) {
      var form = document.createElement("form");
      form.method = "post";
      form.action = item.ack_url;
      form.className = "onset-ack";
      var token = document.createElement("input");
      token.type = "hidden";
      token.name = "csrfmiddlewaretoken";
      token.value = csrfToken();
      form.appendChild(token);
      var button = text("button", "", say("tAck", "I have seen it"));
      button.type = "submit";
      form.appendChild(button);
      li.appendChild(form);
    }
    return li;
  }

  function render() {
    var items = Object.keys(bySeq)
      .map(function (seq) {
        return bySeq[seq];
      })
      .sort(function (a, b) {
        return b.seq - a.seq;
      });
    var now = JSON.stringify(items);
    if (now === shown) return; // nothing changed: leave focus and buttons alone
    shown = now;
    list.textContent = "";
    items.forEach(function (item) {
      list.appendChild(row(item));
    });
    empty.hidden = items.length > 0;
    alertBox.textContent = "";
    var waiting = items.filter(function (item) {
      return !item.acknowledged_at;
    });
    waiting.forEach(function (item) {
      var words = { kind: item.label, name: item.sender_name, time: item.stored_time };
      alertBox.appendChild(text("p", "", say("tWaiting", "{kind} from {name} at {time} — not yet seen.", words)));
    });
    firstWaiting = waiting.length ? waiting[0].label : "";
    alertBox.hidden = waiting.length === 0;
  }

  function poll(after) {
    if (busy) return;
    busy = true;
    fetch(SIGNALS + "?after=" + (typeof after === "number" ? after : from()), {
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    })
      .then(function (response) {
        if (!response.ok) throw new Error("status " + response.status);
        return response.json();
      })
      .then(function (data) {
        offline.hidden = true;
        stateLabel.textContent = data.state_label;
        data.signals.forEach(function (item) {
          bySeq[item.seq] = item;
        });
        render();
      })
      .catch(function () {
        offline.hidden = false;
      })
      .then(function () {
        busy = false;
      });
  }

  function connect() {
    if (!window.WebSocket) return;
    var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    var parts = SIGNALS.match(/runs\/(\d+)\//);
    if (!parts) return;
    try {
      var socket = new WebSocket(scheme + window.location.host + "/ws/onset/" + parts[1] + "/");
      socket.onopen = function () {
        socket.opened = true;
        poll();
      };
      socket.onmessage = function () {
        poll();
      };
      socket.onerror = function () {};
      socket.onclose = function () {
        if (socket.opened) window.setTimeout(connect, 5000);
      };
    } catch (error) {
      /* polling carries on */
    }
  }

  // An unseen signal repeats until someone acknowledges it: a tone (once the browser lets the
  // page make sound, i.e. after the first click or key), a flashing banner and the tab's title.
  var audio = null;
  var title = document.title;
  function unlockSound() {
    var Context = window.AudioContext || window.webkitAudioContext;
    if (!audio && Context) audio = new Context();
    if (audio && audio.state === "suspended") audio.resume();
  }
  document.addEventListener("click", unlockSound);
  document.addEventListener("keydown", unlockSound);
  function tone() {
    if (!audio || audio.state !== "running") return;
    var oscillator = audio.createOscillator();
    var gain = audio.createGain();
    oscillator.frequency.value = 880;
    gain.gain.value = 0.2;
    oscillator.connect(gain);
    gain.connect(audio.destination);
    oscillator.start();
    oscillator.stop(audio.currentTime + 0.4);
  }
  function repeat() {
    var waiting = !alertBox.hidden;
    alertBox.classList.toggle("onset-flash", waiting && !alertBox.classList.contains("onset-flash"));
    document.title = waiting ? "(!) " + (firstWaiting || alertBox.textContent.trim()) + " — " + title : title;
    if (waiting) tone();
  }

  poll(0);
  window.setInterval(poll, 2000);
  window.setInterval(repeat, 3000);
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible") poll();
  });
  connect();
})();
