// After every htmx update: keep the keyboard where the change happened, and say what changed.
//
// Focus goes to, in order: an element of the new content marked data-focus or autofocus; else,
// when the swap removed the focused element: the same control in the new content (same kind,
// same name, e.g. "Move b2 up" after the list was redrawn), the element that sent the request
// if it is still on the page, or the new content itself. A focused element that survives the
// swap (htmx gives focus back to an element with the same id) keeps it. Nothing moves when
// the person had moved on (focus elsewhere when the answer came back).
//
// What is read out, politely, in the page's live region (#live-announce): the new content's
// data-announce text, else its status or alert text, else the name of what changed.
(function () {
  "use strict";

  const FOCUSABLE = "a[href], button, input, select, textarea, summary, [tabindex]";
  // Per request: what had focus when it was sent, and the elements its answer put in.
  const requests = new WeakMap();

  function region() {
    return document.getElementById("live-announce");
  }

  function announce(text) {
    const live = region();
    if (!live || !text) {
      return;
    }
    // Emptied first so the same words twice in a row are read twice.
    live.textContent = "";
    window.setTimeout(function () {
      live.textContent = text;
    }, 50);
  }

  function words(element) {
    return (element.textContent || "").replace(/\s+/g, " ").trim();
  }

  function isGone(element) {
    return !element || !element.isConnected;
  }

  function focusLost() {
    const active = document.activeElement;
    return !active || active === document.body || !active.isConnected;
  }

  function canFocus(element) {
    return element.matches(FOCUSABLE) && !element.disabled && !element.closest("[hidden]");
  }

  function focusOn(element) {
    if (!canFocus(element)) {
      // The changed region itself: focusable from script only, never a tab stop.
      element.setAttribute("tabindex", "-1");
    }
    element.focus();
  }

  // What makes a control the same one after a redraw: its kind, what it is called and where
  // it leads (its form's address, or its link's).
  function identity(element) {
    if (!element || element === document.body || !element.matches(FOCUSABLE)) {
      return null;
    }
    const name = element.getAttribute("aria-label") || words(element);
    const where = element.form
      ? element.form.getAttribute("action") || ""
      : element.getAttribute("href") || "";
    return [element.tagName, element.getAttribute("name") || "", element.value || "", name, where]
      .join("|");
  }

  function sameControl(key, elements) {
    if (!key) {
      return null;
    }
    const found = [];
    for (const element of elements) {
      for (const candidate of [element, ...element.querySelectorAll(FOCUSABLE)]) {
        if (identity(candidate) === key && canFocus(candidate)) {
          found.push(candidate);
        }
      }
    }
    // Only an unmistakable match: two controls of one name could be anywhere.
    return found.length === 1 ? found[0] : null;
  }

  function marked(elements) {
    for (const element of elements) {
      if (element.matches("[data-focus], [autofocus]")) {
        return element;
      }
      const inner = element.querySelector("[data-focus], [autofocus]");
      if (inner) {
        return inner;
      }
    }
    return null;
  }

  function message(elements) {
    for (const element of elements) {
      const source = element.matches("[data-announce]")
        ? element
        : element.querySelector("[data-announce]");
      if (source) {
        return source.getAttribute("data-announce") || words(source);
      }
    }
    for (const element of elements) {
      const source = element.matches("[role=status], [role=alert]")
        ? element
        : element.querySelector("[role=status], [role=alert]");
      if (source && words(source)) {
        return words(source);
      }
    }
    const first = elements[0];
    const name =
      first.getAttribute("aria-label") ||
      words(first.querySelector("h1, h2, h3, h4, legend, caption, label") || first);
    return name ? name.slice(0, 120) + ": updated." : "Updated.";
  }

  function settle(entry) {
    const changed = entry.elements.filter(function (element) {
      return element.nodeType === 1 && element.isConnected;
    });
    if (!changed.length) {
      return;
    }
    const target = marked(changed);
    if (target) {
      focusOn(target);
    } else if (focusLost() && isGone(entry.focused)) {
      const again = sameControl(entry.key, changed);
      if (again) {
        again.focus();
      } else if (entry.trigger && !isGone(entry.trigger) && canFocus(entry.trigger)) {
        entry.trigger.focus();
      } else {
        focusOn(changed[0]);
      }
    }
    announce(message(changed));
  }

  document.addEventListener("htmx:beforeRequest", function (event) {
    const xhr = event.detail.xhr;
    if (xhr) {
      requests.set(xhr, {
        focused: document.activeElement,
        key: identity(document.activeElement),
        trigger: event.detail.elt,
        elements: [],
        scheduled: false,
      });
    }
  });

  document.addEventListener("htmx:afterSettle", function (event) {
    const entry = event.detail.xhr && requests.get(event.detail.xhr);
    if (!entry) {
      return;
    }
    entry.elements.push(event.target);
    if (!entry.scheduled) {
      // Every element of one answer settles in the same turn; act once, after all of them.
      entry.scheduled = true;
      window.setTimeout(function () {
        settle(entry);
      }, 0);
    }
  });

  document.addEventListener("htmx:responseError", function () {
    announce("That did not work and nothing was changed. Please try again, or reload the page.");
  });

  document.addEventListener("htmx:sendError", function () {
    announce("No connection: your change was not saved. Try again when you are back online.");
  });
})();
