// Person fields of big projects: a combobox that asks the project's member look-up as one types.
// Without this script the field is a plain text box that the form resolves on save.
(() => {
  const DELAY_MS = 200;

  function setUp(input) {
    const list = document.getElementById(input.getAttribute("aria-controls"));
    let options = [];
    let active = -1;
    let timer = null;
    let asked = "";

    function close() {
      list.hidden = true;
      list.replaceChildren();
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      options = [];
      active = -1;
    }

    function highlight(index) {
      options.forEach((option, i) => {
        const on = i === index;
        option.setAttribute("aria-selected", on ? "true" : "false");
        option.classList.toggle("active", on);
        if (on) {
          input.setAttribute("aria-activedescendant", option.id);
          option.scrollIntoView({ block: "nearest" });
        }
      });
      active = index;
    }

    function choose(option) {
      input.value = option.dataset.value;
      close();
    }

    function show(results) {
      list.replaceChildren();
      options = results.map((result, i) => {
        const option = document.createElement("li");
        option.id = `${list.id}-${i}`;
        option.className = "list-group-item list-group-item-action py-1 small";
        option.setAttribute("role", "option");
        option.setAttribute("aria-selected", "false");
        option.dataset.value = result.value;
        option.textContent = result.label;
        option.addEventListener("mousedown", (event) => {
          event.preventDefault(); // keep the focus in the input
          choose(option);
        });
        list.append(option);
        return option;
      });
      active = -1;
      list.hidden = options.length === 0;
      input.setAttribute("aria-expanded", options.length ? "true" : "false");
    }

    async function ask() {
      const text = input.value.trim();
      if (!text) {
        close();
        return;
      }
      asked = text;
      const url = new URL(input.dataset.memberLookup, window.location.href);
      url.searchParams.set("q", text);
      try {
        const response = await fetch(url, { headers: { Accept: "application/json" } });
        if (!response.ok || asked !== text) return;
        show((await response.json()).results);
      } catch {
        close(); // offline or refused: the field still works as typed text
      }
    }

    input.addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(ask, DELAY_MS);
    });
    input.addEventListener("keydown", (event) => {
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        if (!options.length) return;
        event.preventDefault();
        const step = event.key === "ArrowDown" ? 1 : -1;
        highlight((active + step + options.length) % options.length);
      } else if (event.key === "Enter" && active >= 0) {
        event.preventDefault(); // pick the person, do not send the form yet
        choose(options[active]);
      } else if (event.key === "Escape" && !list.hidden) {
        event.preventDefault();
        close();
      }
    });
    input.addEventListener("blur", close);
  }

  document.querySelectorAll("input[data-member-lookup]").forEach(setUp);
})();
