/* The code exercise's editor (CodeMirror 6, vendored: static/vendor/codemirror/) and its buttons.
   "Run examples" and "Submit" post the code to the API and show each test's result as it arrives
   (polling the run); the draft is kept as the learner types. Without JavaScript (or without the
   editor's bundle) the page is a plain form whose buttons post to the server and open the run's page.
   Its words are in the page's language: gettext, ngettext and interpolate come from the JavaScript
   catalogue base.html loads first. */
(function () {
  "use strict";
  // The page's JavaScript catalogue (base.html) defines these; without it, the English words.
  var gettext = window.gettext || function (text) { return text; };
  var ngettext = window.ngettext || function (one, many, count) { return count === 1 ? one : many; };
  var interpolate = window.interpolate || function (text, values, named) {
    return named ? text.replace(/%\((\w+)\)s/g, function (match, name) { return String(values[name]); })
      : text.replace(/%s/g, function () { return String(values.shift()); });
  };
  var form = document.getElementById("exercise-form");
  if (!form || !window.fetch) { return; }
  var textarea = form.querySelector("textarea[name=code]");
  var results = document.getElementById("results");
  var draftStatus = document.getElementById("draft-status");
  var csrfToken = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  var buttons = form.querySelectorAll("button[name=kind]");
  var view = null;
  var draftTimer = null;
  var savedCode = textarea.value;
  var busy = false;

  function currentCode() { return view ? view.state.doc.toString() : textarea.value; }

  function api(method, url, body) {
    return fetch(url, {
      method: method,
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": csrfToken },
      body: body === undefined ? undefined : JSON.stringify(body)
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        return { ok: response.ok, status: response.status, data: data };
      });
    });
  }

  function firstError(data) {
    if (data.detail) { return data.detail; }
    var messages = [];
    Object.keys(data).forEach(function (key) {
      var value = data[key];
      messages.push(Array.isArray(value) ? value.join(" ") : String(value));
    });
    return messages.join(" ") || gettext("Something went wrong: try again.");
  }

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  function saveDraft() {
    draftTimer = null;
    var code = currentCode();
    if (code === savedCode) { return; }
    api("PUT", form.dataset.draftUrl, { code: code }).then(function (reply) {
      if (reply.ok) {
        savedCode = code;
        draftStatus.textContent = gettext("Draft saved.");
      } else {
        draftStatus.textContent = interpolate(gettext("The draft was not saved: %s"), [firstError(reply.data)]);
      }
    }).catch(function () { draftStatus.textContent = gettext("The draft was not saved (no connection)."); });
  }

  function scheduleDraft() {
    if (draftTimer) { clearTimeout(draftTimer); }
    draftTimer = setTimeout(saveDraft, 1500);
  }

  function render(run) {
    results.hidden = false;
    results.replaceChildren();
    var heading = element("h2", "", run.kind === "submission" ? interpolate(gettext("Attempt %s"), [run.attempt_number]) : gettext("Examples"));
    heading.id = "live-results-heading";
    results.appendChild(heading);
    var summary = element("p");
    if (run.status === "failed") {
      summary.className = "message error";
      summary.textContent = interpolate(gettext("The code could not be run: %s This was not counted as an attempt."), [run.error]);
    } else if (!run.finished) {
      summary.textContent = run.status === "pending" ? gettext("Waiting for the sandbox…")
        : interpolate(ngettext("Running… %s test done.", "Running… %s tests done.", run.tests.length), [run.tests.length]);
    } else {
      var strong = element("strong", "", interpolate(
        ngettext("%(passed)s of %(total)s test passed", "%(passed)s of %(total)s tests passed", run.tests_total),
        { passed: run.tests_passed, total: run.tests_total }, true));
      summary.appendChild(strong);
      if (run.kind === "submission") {
        summary.appendChild(document.createTextNode(run.passed ? gettext(" — passed.") : gettext(" — not passed yet.")));
      }
    }
    results.appendChild(summary);
    if (run.finished && (run.limit_message || run.error) && run.status !== "failed") {
      var problem = run.limit_message ? run.limit_message.charAt(0).toUpperCase() + run.limit_message.slice(1) + "."
        : interpolate(gettext("Your code could not be loaded: %s"), [run.error]);
      results.appendChild(element("p", "message error", problem));
    }
    if (run.tests.length) {
      var list = element("ul", "test-list");
      run.tests.forEach(function (test) {
        var item = element("li", test.passed ? "pass" : "fail");
        item.appendChild(element("span", "verdict", test.passed ? gettext("Passed") : gettext("Failed")));
        item.appendChild(document.createTextNode(" " + test.description));
        if (!test.passed && test.message) { item.appendChild(element("div", "test-message", test.message)); }
        list.appendChild(item);
      });
      results.appendChild(list);
    }
    if (run.output_tail) {
      results.appendChild(element("h3", "", gettext("The last lines your code printed")));
      var output = element("pre", "output", run.output_tail);
      output.tabIndex = 0;
      results.appendChild(output);
    }
    if (run.finished) {
      var link = element("a", "", gettext("Open this run's page"));
      link.href = run.url;
      results.appendChild(element("p")).appendChild(link);
    }
  }

  function poll(url, delay) {
    api("GET", url).then(function (reply) {
      if (!reply.ok) { throw new Error(firstError(reply.data)); }
      render(reply.data);
      if (reply.data.finished) { finish(reply.data); } else { setTimeout(function () { poll(url, Math.min(delay * 1.5, 2000)); }, delay); }
    }).catch(function (error) {
      results.hidden = false;
      results.replaceChildren(element("p", "message error", interpolate(gettext("Could not get the results: %s"), [error.message])));
      finish(null);
    });
  }

  function setBusy(value) {
    busy = value;
    buttons.forEach(function (button) { if (!button.dataset.noAttempts) { button.disabled = value; } });
  }

  function finish(run) {
    setBusy(false);
    if (run && run.kind === "submission") {
      // The attempts, status and run list on the page are the server's: reload them quietly.
      fetch(window.location.href, { credentials: "same-origin" }).then(function (response) { return response.text(); })
        .then(function (html) {
          var page = new DOMParser().parseFromString(html, "text/html");
          ["exercise-status", "run-history"].forEach(function (name) {
            var fresh = page.querySelector("." + name);
            var old = document.querySelector("." + name);
            if (fresh && old) { old.replaceWith(fresh); }
          });
          var submit = page.querySelector("button[name=kind][value=submission]");
          var mine = form.querySelector("button[name=kind][value=submission]");
          if (submit && mine) { mine.textContent = submit.textContent; mine.disabled = submit.disabled; mine.dataset.noAttempts = submit.disabled ? "1" : ""; }
        }).catch(function () {});
    }
  }

  function startRun(kind) {
    if (busy) { return; }
    setBusy(true);
    var code = currentCode();
    results.hidden = false;
    results.replaceChildren(element("p", "", kind === "submission" ? gettext("Submitting…") : gettext("Running the examples…")));
    api("POST", form.dataset.runUrl, { kind: kind, code: code }).then(function (reply) {
      if (!reply.ok) {
        results.replaceChildren(element("p", "message error", firstError(reply.data)));
        setBusy(false);
        return;
      }
      savedCode = code;  // the server kept it as the draft
      render(reply.data);
      poll(form.dataset.runsUrl + reply.data.id + "/", 300);
    }).catch(function () {
      results.replaceChildren(element("p", "message error", gettext("No connection: your code was not sent. Try again.")));
      setBusy(false);
    });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var kind = event.submitter && event.submitter.value ? event.submitter.value : "examples";
    startRun(kind);
  });
  buttons.forEach(function (button) { if (button.disabled) { button.dataset.noAttempts = "1"; } });

  var CM = window.CodeMirror6;
  if (CM) {
    view = new CM.EditorView({
      doc: textarea.value,
      extensions: [
        // Before basicSetup, so that these keys win over its defaults (Mod-Enter inserts a blank line there).
        CM.keymap.of([
          { key: "Mod-Enter", run: function () { startRun("examples"); return true; } },
          CM.indentWithTab
        ]),
        CM.basicSetup,
        // The editor's own stylesheet is a <style> element it adds: the page's style nonce lets it in (CSP).
        CM.EditorView.cspNonce.of(form.dataset.styleNonce || ""),
        CM.python(),
        CM.indentUnit.of("    "),
        CM.EditorView.contentAttributes.of({ "aria-label": gettext("solution.py, your code"), "aria-describedby": "editor-help" }),
        CM.EditorView.updateListener.of(function (update) { if (update.docChanged) { scheduleDraft(); } })
      ]
    });
    textarea.hidden = true;
    textarea.insertAdjacentElement("afterend", view.dom);
    view.dom.classList.add("code-editor");
    document.querySelector("label[for=code]").addEventListener("click", function () { view.focus(); });
  } else {
    textarea.addEventListener("input", scheduleDraft);
  }
  window.addEventListener("beforeunload", function () { if (draftTimer) { clearTimeout(draftTimer); saveDraft(); } });
})();
