import ConvCore
import Reporting

/// The page's explorer: point at (or tap) an output pixel of a map and see the input window
/// it came from, the k×k input values, the kernel's weights, their products and the sum,
/// which is the pixel's value; and the same product as im2col writes it, one weight row
/// times a matrix of unfolded windows. Inline script and data, no network, so that it works
/// from `file://`.
///
/// The data is, for each map, a small crop of the map around its strongest response (the
/// values Conv2D computed) and the input pixels its windows read (zeros where they read the
/// padding). The script recomputes every pixel of each crop when the page opens and says how
/// far its sums are from Conv2D's: the page checks itself, and a test reads that check in
/// headless Chromium (or runs the script's functions in Node).
extension FeatureMapPage {
    /// The side of the map's crop in the explorer, in output pixels.
    static let explorerSide = 12
    /// A map whose crop's windows cover more input values than this is left out of the
    /// explorer (its window is too large to show, and would make the page large).
    static let explorerInputLimit = 65_536

    /// The explorer's section: the data, the markup and the script.
    var explorer: String {
        let shownMaps = maps.maps.compactMap(explorerData)
        guard !shownMaps.isEmpty else { return "" }
        let data = JSON.object([
            ("image", .object([("width", .int(maps.width)), ("height", .int(maps.height))])),
            ("palette", .array(DivergingColorMap.palette.map { color in .string(hex(color)) })),
            ("maps", .array(shownMaps)),
        ])
        let leftOut = maps.maps.count - shownMaps.count
        return #"""
            <h2 id="explorer">Point at a pixel: the shared kernel at work</h2>
            <section class="explorer">
            <p>Each pixel of a map is one sum: the kernel's weights times the input values under its window. Point at (or tap)
            a pixel of the map on the right; the arrow keys move it too.\#(leftOut > 0 ? " (\(leftOut) map\(leftOut == 1 ? "" : "s") with windows too large to show \(leftOut == 1 ? "is" : "are") left out.)" : "")</p>
            <p><label>Map: <select id="x-map"></select></label> <span id="x-where" class="numbers"></span></p>
            <div class="x-pictures">
              <figure><canvas id="x-input" width="1" height="1"></canvas><figcaption>The input there. Outlined: the window of the pixel
              you point at (with its dilation gaps); hatched: padding, read as 0.</figcaption></figure>
              <figure><canvas id="x-output" width="1" height="1" tabindex="0"></canvas><figcaption>The map around its strongest response.</figcaption></figure>
            </div>
            <div id="x-sum"></div>
            <p id="x-shared"></p>
            <h3>The same sums as one matrix product (im2col)</h3>
            <p>im2col unfolds the window of each output pixel into one column; the map is then one row of weights, w, times that
            matrix: the same row for every column. Below, the columns of the pixel you point at and the pixels after it.</p>
            <div id="x-im2col" class="x-scroll"></div>
            <p id="x-check" class="numbers"></p>
            <noscript><p>The explorer needs JavaScript; the rest of the page does not.</p></noscript>
            </section>
            <script type="application/json" id="explorer-data">\#(data.serialized())</script>
            <script id="explorer-code">\#(Self.explorerScript)</script>
            """#
    }

    /// One map's part of the explorer's data, or nil when its windows are too large.
    private func explorerData(_ map: FeatureMaps.Map) -> JSON? {
        let geometry = map.geometry
        let (outputWidth, outputHeight) = (min(Self.explorerSide, map.width), min(Self.explorerSide, map.height))
        let strongest = ShownMap.crop(map, side: Self.explorerSide)
        // The input the crop's windows read, padding included: from the first window's first
        // tap to the last window's last, in image coordinates (negative in the padding).
        let left = strongest.x * geometry.width.stride - geometry.width.padBefore
        let top = strongest.y * geometry.height.stride - geometry.height.padBefore
        let inputWidth = (outputWidth - 1) * geometry.width.stride + geometry.width.span
        let inputHeight = (outputHeight - 1) * geometry.height.stride + geometry.height.span
        let channels = map.kernel.channels
        guard inputWidth * inputHeight * channels <= Self.explorerInputLimit else { return nil }
        let pixels = maps.width * maps.height
        let source = channels == 1 ? maps.luma : maps.planes
        var values: [Float] = []
        values.reserveCapacity(inputWidth * inputHeight * channels)
        for c in 0..<channels {
            for y in top..<top + inputHeight {
                for x in left..<left + inputWidth {
                    let inside = (0..<maps.width).contains(x) && (0..<maps.height).contains(y)
                    values.append(inside ? source[c * pixels + y * maps.width + x] : 0)
                }
            }
        }
        let (low, high): (Float, Float) = maps.isFloatmap
            ? values.reduce((Float.infinity, -Float.infinity)) { (min($0.0, $1), max($0.1, $1)) }
            : (0, 1)
        let output = ShownMap.rows(of: map.values, width: map.width, (strongest.x, strongest.y, outputWidth, outputHeight))
        let shown = zip(maps.maps, shown).first { $0.0.name == map.name }?.1
        func size(_ width: Int, _ height: Int) -> [(String, JSON)] { [("width", .int(width)), ("height", .int(height))] }
        return .object([
            ("name", .string(map.name)), ("signed", .bool(map.isSigned)),
            ("limit", shown?.limit.map(JSON.float) ?? .null), ("low", .float(map.minimum)), ("high", .float(map.maximum)),
            ("activation", .string(map.activation.rawValue)), ("positions", .int(geometry.positions)),
            ("kernel", .object([("channels", .int(channels)), ("height", .int(map.kernel.height)), ("width", .int(map.kernel.width)),
                                ("weights", .array(map.kernel.weights.map(JSON.float)))])),
            ("stride", .object(size(geometry.width.stride, geometry.height.stride))),
            ("dilation", .object(size(geometry.width.dilation, geometry.height.dilation))),
            ("padding", .object([("left", .int(geometry.width.padBefore)), ("top", .int(geometry.height.padBefore))])),
            ("output", .object([("x", .int(strongest.x)), ("y", .int(strongest.y))] + size(outputWidth, outputHeight) + [("values", .array(output.map(JSON.float)))])),
            ("input", .object([("x", .int(left)), ("y", .int(top))] + size(inputWidth, inputHeight)
                + [("channels", .int(channels)), ("low", .float(low)), ("high", .float(high)), ("values", .array(values.map(JSON.float)))])),
        ])
    }

    private func hex(_ color: (red: UInt8, green: UInt8, blue: UInt8)) -> String {
        "#" + [color.red, color.green, color.blue].map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
    }

    static let explorerStyle = """
          .explorer .x-pictures { display: flex; flex-wrap: wrap; gap: 1.5em; align-items: flex-start; }
          .explorer .x-pictures figure { max-width: 24em; }
          .explorer canvas { border: 1px solid #ccc; touch-action: none; max-width: 100%; }
          .explorer canvas:focus { outline: 2px solid #e66101; }
          .explorer table { border-collapse: collapse; font-family: ui-monospace, monospace; font-size: 0.8em; }
          .explorer td, .explorer th { border: 1px solid #ccc; padding: 0.1em 0.35em; text-align: right; }
          .explorer th { background: #f4f4f4; font-weight: normal; }
          .explorer .x-tables { display: flex; flex-wrap: wrap; gap: 1em; align-items: flex-start; }
          .explorer .x-scroll { max-width: 100%; overflow-x: auto; }
          .explorer .x-pad { color: #888; background: #eef; }
          .explorer .x-chosen { background: #fde0c5; }
          .explorer .x-weight { background: #e8f0e0; }
          .explorer .x-negative { color: #2166ac; }
          .explorer .x-positive { color: #b2182b; }
        """

    /// The explorer's script. `ConvExplorer` holds the arithmetic, free of the page (a
    /// test runs it by itself); the rest draws and answers the pointer.
    static let explorerScript = #"""

        "use strict";
        const ConvExplorer = (() => {
          /// The activation after the sum, as conv-demo's Activation computes it.
          function activate(name, x) {
            switch (name) {
              case "relu": return Math.max(0, x);
              case "leakyrelu": return x > 0 ? x : 0.01 * x;
              case "sigmoid": return 1 / (1 + Math.exp(-x));
              case "tanh": return Math.tanh(x);
              case "relu6": return Math.min(Math.max(x, 0), 6);
              case "hardswish": return x * Math.min(Math.max(x + 3, 0), 6) / 6;
              default: return x;
            }
          }
          /// Output pixel (ox, oy) of a map, in map coordinates: each tap of the window (its
          /// input position, value, weight and product), the sum, and the value after the
          /// activation. Cross-correlation, as Conv2D and PyTorch compute it: input x =
          /// ox·stride − padding + kx·dilation.
          function pixelAt(map, ox, oy) {
            const k = map.kernel, input = map.input, taps = [];
            let sum = 0;
            for (let c = 0; c < k.channels; c++) {
              for (let ky = 0; ky < k.height; ky++) {
                for (let kx = 0; kx < k.width; kx++) {
                  const x = ox * map.stride.width - map.padding.left + kx * map.dilation.width;
                  const y = oy * map.stride.height - map.padding.top + ky * map.dilation.height;
                  const value = input.values[(c * input.height + y - input.y) * input.width + x - input.x];
                  const weight = k.weights[(c * k.height + ky) * k.width + kx];
                  taps.push({ c, ky, kx, x, y, value, weight, product: value * weight });
                  sum += value * weight;
                }
              }
            }
            return { taps, sum, value: activate(map.activation, sum) };
          }
          /// Every pixel of every map's crop recomputed here and compared with Conv2D's value:
          /// the number of pixels and the largest difference, relative to max(1, |value|).
          function check(data) {
            let positions = 0, largest = 0;
            for (const map of data.maps) {
              const o = map.output;
              for (let j = 0; j < o.height; j++) {
                for (let i = 0; i < o.width; i++) {
                  const want = o.values[j * o.width + i], got = pixelAt(map, o.x + i, o.y + j).value;
                  positions++;
                  if (want === null && !Number.isFinite(got)) continue;
                  const difference = want === null ? Infinity : Math.abs(got - want) / Math.max(1, Math.abs(want));
                  largest = Math.max(largest, Number.isNaN(difference) ? Infinity : difference);
                }
              }
            }
            return { positions, largest };
          }
          /// A number as the page writes it: three decimals, or three significant digits.
          function format(v) {
            if (v === null || Number.isNaN(v)) return "NaN";
            return Math.abs(v) >= 1000 || (Math.abs(v) < 0.001 && v !== 0) ? v.toPrecision(3) : v.toFixed(3);
          }
          return { activate, pixelAt, check, format };
        })();

        if (typeof document !== "undefined") {
          const data = JSON.parse(document.getElementById("explorer-data").textContent);
          const { pixelAt, check, format } = ConvExplorer;
          const select = document.getElementById("x-map");
          const inputCanvas = document.getElementById("x-input"), outputCanvas = document.getElementById("x-output");
          const state = { map: 0, x: 0, y: 0 };

          data.maps.forEach((map, index) => select.add(new Option(map.name, index)));
          const clamp01 = t => Math.min(Math.max(t, 0), 1);
          const gray = t => { const g = Math.round(255 * clamp01(t)); return `rgb(${g},${g},${g})`; };
          const cell = (w, h) => Math.max(3, Math.min(22, Math.floor(330 / Math.max(w, h))));
          const grouped = n => n.toLocaleString("en-US");
          const signClass = v => v < 0 ? "x-negative" : v > 0 ? "x-positive" : "";

          function mapColor(map, v) {
            if (v === null || Number.isNaN(v)) return "#000";
            if (map.signed) return data.palette[Math.round((Math.min(Math.max(v / map.limit, -1), 1) + 1) * 127)];
            return gray(map.high > map.low ? (v - map.low) / (map.high - map.low) : 0);
          }
          function inputColor(input, i, j) {
            const plane = input.width * input.height, at = j * input.width + i;
            const t = v => (v - input.low) / ((input.high - input.low) || 1);
            if (input.channels !== 3) return gray(t(input.values[at]));
            const [r, g, b] = [0, 1, 2].map(c => Math.round(255 * clamp01(t(input.values[c * plane + at]))));
            return `rgb(${r},${g},${b})`;
          }
          const inside = (x, y) => x >= 0 && y >= 0 && x < data.image.width && y < data.image.height;

          function choose(index) {
            const map = data.maps[index];
            state.map = index;
            select.value = String(index);
            // Start at the strongest response, the crop's centre.
            state.x = map.output.x + (map.output.width >> 1);
            state.y = map.output.y + (map.output.height >> 1);
            render();
          }

          function drawInput(map, taps) {
            const input = map.input, size = cell(input.width, input.height);
            inputCanvas.width = input.width * size; inputCanvas.height = input.height * size;
            const g = inputCanvas.getContext("2d");
            for (let j = 0; j < input.height; j++) {
              for (let i = 0; i < input.width; i++) {
                if (inside(input.x + i, input.y + j)) {
                  g.fillStyle = inputColor(input, i, j);
                  g.fillRect(i * size, j * size, size, size);
                } else {
                  g.fillStyle = "#eef"; g.fillRect(i * size, j * size, size, size);
                  g.strokeStyle = "#99b"; g.lineWidth = 1; g.beginPath();
                  g.moveTo(i * size, (j + 1) * size); g.lineTo((i + 1) * size, j * size); g.stroke();
                }
              }
            }
            const first = taps[0], last = taps[taps.length - 1];
            g.setLineDash([4, 3]); g.strokeStyle = "#000"; g.lineWidth = 1;
            g.strokeRect((first.x - input.x) * size + 0.5, (first.y - input.y) * size + 0.5,
                         (last.x - first.x + 1) * size - 1, (last.y - first.y + 1) * size - 1);
            g.setLineDash([]); g.strokeStyle = "#e66101"; g.lineWidth = Math.max(1, Math.min(3, size / 6));
            for (const tap of taps) {
              if (tap.c !== 0) continue;
              g.strokeRect((tap.x - input.x) * size + 1, (tap.y - input.y) * size + 1, size - 2, size - 2);
            }
          }

          function drawOutput(map) {
            const o = map.output, size = cell(o.width, o.height);
            outputCanvas.width = o.width * size; outputCanvas.height = o.height * size;
            const g = outputCanvas.getContext("2d");
            for (let j = 0; j < o.height; j++) {
              for (let i = 0; i < o.width; i++) {
                g.fillStyle = mapColor(map, o.values[j * o.width + i]);
                g.fillRect(i * size, j * size, size, size);
              }
            }
            g.lineWidth = 2; g.strokeStyle = "#000";
            g.strokeRect((state.x - o.x) * size + 1, (state.y - o.y) * size + 1, size - 2, size - 2);
          }

          function tables(map, result) {
            const k = map.kernel, names = k.channels === 3 ? ["R", "G", "B"] : null;
            let html = "<div class=\"x-tables\">";
            for (let c = 0; c < k.channels; c++) {
              const label = names ? ` (${names[c]})` : k.channels > 1 ? ` (channel ${c + 1})` : "";
              const taps = result.taps.filter(t => t.c === c);
              const table = (title, cellOf) => {
                let rows = "";
                for (let ky = 0; ky < k.height; ky++) {
                  rows += "<tr>" + taps.filter(t => t.ky === ky).map(cellOf).join("") + "</tr>";
                }
                return `<div class="x-scroll"><b>${title}${label}</b><table>${rows}</table></div>`;
              };
              html += table("input", t => `<td class="${inside(t.x, t.y) ? "" : "x-pad"}">${format(t.value)}</td>`);
              html += "<span>×</span>" + table("weights", t => `<td class="x-weight ${signClass(t.weight)}">${format(t.weight)}</td>`);
              html += "<span>=</span>" + table("products", t => `<td class="${signClass(t.product)}">${format(t.product)}</td>`);
            }
            return html + "</div>";
          }

          function im2col(map) {
            const o = map.output, k = map.kernel, columns = [];
            for (let n = (state.y - o.y) * o.width + state.x - o.x; n < o.width * o.height && columns.length < 8; n++) {
              const x = o.x + n % o.width, y = o.y + Math.floor(n / o.width);
              columns.push({ x, y, result: pixelAt(map, x, y) });
            }
            const count = k.channels * k.height * k.width, shown = Math.min(count, 27);
            let html = "<table><tr><th>tap</th><th>w</th>" + columns.map(c => `<th>(${c.x}, ${c.y})</th>`).join("") + "</tr>";
            for (let r = 0; r < shown; r++) {
              const tap = columns[0].result.taps[r];
              const name = (k.channels > 1 ? `${tap.c}, ` : "") + `${tap.ky}, ${tap.kx}`;
              html += `<tr><th>${name}</th><td class="x-weight ${signClass(tap.weight)}">${format(tap.weight)}</td>`
                + columns.map((c, i) => `<td class="${i === 0 ? "x-chosen" : ""}">${format(c.result.taps[r].value)}</td>`).join("") + "</tr>";
            }
            if (shown < count) html += `<tr><th>…</th><td colspan="${columns.length + 1}">${count - shown} more rows</td></tr>`;
            const activation = map.activation === "none" ? "w · column" : `${map.activation}(w · column)`;
            html += `<tr><th colspan="2">${activation}</th>` + columns.map((c, i) => `<td class="${i === 0 ? "x-chosen" : ""}"><b>${format(c.result.value)}</b></td>`).join("") + "</tr>";
            return html + "</table>";
          }

          function render() {
            const map = data.maps[state.map], o = map.output, k = map.kernel;
            const result = pixelAt(map, state.x, state.y);
            const conv2d = o.values[(state.y - o.y) * o.width + state.x - o.x];
            const weights = k.channels * k.height * k.width;
            drawInput(map, result.taps);
            drawOutput(map);
            document.getElementById("x-where").textContent =
              `output pixel (x ${state.x}, y ${state.y}); its window's first tap at input (x ${result.taps[0].x}, y ${result.taps[0].y})`;
            const activation = map.activation === "none" ? "" : `; after ${map.activation}: <b>${format(result.value)}</b>`;
            document.getElementById("x-sum").innerHTML = tables(map, result)
              + `<p class="numbers">sum of the ${weights} products = <b>${format(result.sum)}</b>${activation}; `
              + `Conv2D computed <b>${format(conv2d)}</b> for this pixel.</p>`;
            document.getElementById("x-shared").innerHTML =
              `The same <b>${grouped(weights)}</b> weights are used at all <b>${grouped(map.positions)}</b> positions of this map: `
              + "move the pointer and the window moves, the weights stay.";
            document.getElementById("x-im2col").innerHTML = im2col(map);
          }

          function point(event) {
            const map = data.maps[state.map], o = map.output, box = outputCanvas.getBoundingClientRect();
            const i = Math.floor((event.clientX - box.left) / box.width * o.width);
            const j = Math.floor((event.clientY - box.top) / box.height * o.height);
            if (i < 0 || j < 0 || i >= o.width || j >= o.height) return;
            if (state.x === o.x + i && state.y === o.y + j) return;
            state.x = o.x + i; state.y = o.y + j;
            render();
          }
          outputCanvas.addEventListener("pointermove", point);
          outputCanvas.addEventListener("pointerdown", point);
          outputCanvas.addEventListener("keydown", event => {
            const o = data.maps[state.map].output;
            const moves = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };
            const move = moves[event.key];
            if (!move) return;
            event.preventDefault();
            state.x = Math.min(Math.max(state.x + move[0], o.x), o.x + o.width - 1);
            state.y = Math.min(Math.max(state.y + move[1], o.y), o.y + o.height - 1);
            render();
          });
          select.addEventListener("change", () => choose(Number(select.value)));

          const result = check(data), line = document.getElementById("x-check");
          line.dataset.positions = result.positions;
          line.dataset.largest = result.largest;
          line.textContent = `Checked as the page opened: this script's sums give the values Conv2D computed at all ${grouped(result.positions)} `
            + `pixels of these crops, to ${result.largest.toExponential(1)} (relative; float arithmetic in another order).`;
          // Start with an edge detector (signed weights summing to 0) if there is one.
          const edge = data.maps.findIndex(map => map.signed && Math.abs(map.kernel.weights.reduce((a, b) => a + b, 0)) < 1e-6);
          choose(edge >= 0 ? edge : Math.max(0, data.maps.findIndex(map => map.signed)));
        }
        """#
}
