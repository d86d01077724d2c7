/**
 * Draws Traitloom's own sample layer set into `assets/demo-layers/`, so `npm run demo` and the tests need no
 * download and carry no third-party licence. Every trait is an SVG string built here and rendered by sharp
 * (librsvg) to a 512x512 RGBA PNG; there is no randomness and no date, so a rerun gives the same files.
 *
 * Run: `npx tsx scripts/make-demo-layers.ts`
 */
import { mkdir, readdir, rm } from "node:fs/promises";
import path from "node:path";
import sharp from "sharp";

const CANVAS_PX = 512;
const OUT_DIR = path.resolve(import.meta.dirname, "..", "assets", "demo-layers");
/** Layer folders are `NN-Name`; only these are wiped before a run, so README.md and LICENSE stay. */
const LAYER_DIR_RE = /^\d{2}-/;

interface Trait {
  name: string;
  /** HashLips weight, written into the file name. Each layer's weights add up to 100, so they read as percent. */
  weight: number;
  /** SVG markup inside the root element; may start with its own `<defs>`. */
  art: string;
}

interface Layer {
  folder: string;
  traits: readonly Trait[];
}

// One shared geometry keeps every layer on the same face: the body is an ellipse (or a shape that covers it)
// centred at BODY, the eyes and mouth sit at fixed points on it, headwear sits on its top edge at y ~140.
const BODY = { cx: 256, cy: 300, rx: 168, ry: 160 } as const;
const EYE_LEFT_X = 200;
const EYE_RIGHT_X = 312;
const EYE_Y = 275;
const MOUTH_X = 256;
const MOUTH_Y = 340;
const INK = "#1d1d2b";

/** Filter region padded well past the shape's box, since librsvg clips a blur at the default 10% margin. */
function blurFilter(id: string, stdDeviation: number): string {
  return `<filter id="${id}" x="-60%" y="-60%" width="220%" height="220%"><feGaussianBlur stdDeviation="${stdDeviation}"/></filter>`;
}

function svgDocument(art: string): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${CANVAS_PX}" height="${CANVAS_PX}" viewBox="0 0 ${CANVAS_PX} ${CANVAS_PX}">${art}</svg>`;
}

const NONE = "";

// ---------------------------------------------------------------- backgrounds: opaque, full canvas

function verticalGradient(top: string, bottom: string, extra = ""): string {
  return `<defs><linearGradient id="bg" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="${top}"/><stop offset="1" stop-color="${bottom}"/></linearGradient></defs>
<rect width="512" height="512" fill="url(#bg)"/>${extra}`;
}

function flatBackground(fill: string, bubble: string): string {
  return `<rect width="512" height="512" fill="${fill}"/>
<circle cx="70" cy="90" r="120" fill="${bubble}"/><circle cx="470" cy="430" r="150" fill="${bubble}"/>`;
}

const cloud = (x: number, y: number, s: number): string =>
  `<g transform="translate(${x} ${y}) scale(${s})" fill="#ffffff" opacity="0.8"><ellipse cx="0" cy="0" rx="46" ry="22"/><circle cx="-16" cy="-14" r="22"/><circle cx="14" cy="-20" r="26"/></g>`;

const star = (x: number, y: number, r: number): string => `<circle cx="${x}" cy="${y}" r="${r}" fill="#fff7d6"/>`;

const NIGHT_STARS = [
  [48, 60, 3], [130, 120, 2], [200, 40, 2.5], [330, 70, 2], [420, 140, 3], [470, 40, 2], [60, 220, 2],
  [460, 260, 2.5], [30, 380, 2], [490, 400, 2], [100, 470, 2.5], [400, 490, 2],
] as const;

const sunRays = Array.from({ length: 16 }, (_, i) => {
  const turn = (i * 360) / 16;
  return `<path d="M256 256 L236 -200 L276 -200 Z" transform="rotate(${turn} 256 256)"/>`;
}).join("");

const BACKGROUNDS: readonly Trait[] = [
  { name: "Sky", weight: 30, art: verticalGradient("#7ccbff", "#dcf2ff", cloud(90, 110, 1.2) + cloud(420, 70, 0.9)) },
  { name: "Mint", weight: 25, art: flatBackground("#bdeed6", "#d3f5e4") },
  { name: "Peach", weight: 20, art: flatBackground("#ffd2b3", "#ffe2cc") },
  { name: "Lavender", weight: 15, art: verticalGradient("#cdb8ff", "#efe6ff") },
  {
    name: "Night",
    weight: 8,
    art: verticalGradient(
      "#141a44",
      "#3d2f72",
      NIGHT_STARS.map(([x, y, r]) => star(x, y, r)).join("") +
        `<circle cx="420" cy="90" r="34" fill="#fff1b8"/><circle cx="436" cy="80" r="30" fill="#1a1f4d"/>`,
    ),
  },
  {
    name: "Gold",
    weight: 2,
    art: `<defs><radialGradient id="bg" cx="0.5" cy="0.5" r="0.75"><stop offset="0" stop-color="#fff3b0"/><stop offset="1" stop-color="#e9a620"/></radialGradient></defs>
<rect width="512" height="512" fill="url(#bg)"/><g fill="#ffffff" opacity="0.18">${sunRays}</g>`,
  },
];

// ---------------------------------------------------------------- bodies

/** Ground shadow and feet, shared by every body so all of them stand on the same spot. */
function feetAndShadow(fill: string, stroke: string): string {
  return `<defs>${blurFilter("shadow", 6)}</defs>
<ellipse cx="256" cy="476" rx="150" ry="14" fill="#000000" opacity="0.3" filter="url(#shadow)"/>
<g fill="${fill}" stroke="${stroke}" stroke-width="6"><ellipse cx="190" cy="458" rx="38" ry="20"/><ellipse cx="322" cy="458" rx="38" ry="20"/></g>`;
}

/** Shine and blushing cheeks: the white and pink are half transparent so they take the body's colour. */
const SHINE_AND_CHEEKS = `<ellipse cx="180" cy="196" rx="44" ry="22" transform="rotate(-32 180 196)" fill="#ffffff" opacity="0.45"/>
<g fill="#ff5d8f" opacity="0.4"><ellipse cx="158" cy="322" rx="24" ry="15"/><ellipse cx="354" cy="322" rx="24" ry="15"/></g>`;

function ellipseBody(fill: string, stroke: string): string {
  return `<ellipse cx="${BODY.cx}" cy="${BODY.cy}" rx="${BODY.rx}" ry="${BODY.ry}" fill="${fill}" stroke="${stroke}" stroke-width="6"/>`;
}

const BODIES: readonly Trait[] = [
  {
    name: "Blue Blob",
    weight: 35,
    art: feetAndShadow("#6ec6ff", "#2f82c4") + ellipseBody("#6ec6ff", "#2f82c4") + SHINE_AND_CHEEKS,
  },
  {
    name: "Pink Bean",
    weight: 28,
    art:
      feetAndShadow("#ff9fcb", "#d0578f") +
      // A tuft of three hairs, drawn first so the head's outline covers their roots.
      `<g fill="#ff9fcb" stroke="#d0578f" stroke-width="6" stroke-linejoin="round"><path d="M226 160 Q214 110 240 96 Q238 128 250 150 Z"/><path d="M246 150 Q254 100 280 96 Q266 124 272 148 Z"/><path d="M268 152 Q292 112 318 118 Q294 136 292 160 Z"/></g>` +
      ellipseBody("#ff9fcb", "#d0578f") +
      SHINE_AND_CHEEKS,
  },
  {
    name: "Green Robot",
    weight: 20,
    art:
      feetAndShadow("#9bd88f", "#4f9a4a") +
      `<g fill="#c9ccd6" stroke="#7d8394" stroke-width="6"><rect x="64" y="244" width="36" height="56" rx="10"/><rect x="412" y="244" width="36" height="56" rx="10"/></g>
<rect x="88" y="138" width="336" height="324" rx="72" fill="#9bd88f" stroke="#4f9a4a" stroke-width="6"/>
<rect x="132" y="200" width="248" height="196" rx="56" fill="#ffffff" opacity="0.35"/>
<g fill="#4f9a4a"><circle cx="116" cy="166" r="7"/><circle cx="396" cy="166" r="7"/><circle cx="116" cy="434" r="7"/><circle cx="396" cy="434" r="7"/></g>
<g fill="#ff5d8f" opacity="0.35"><ellipse cx="158" cy="330" rx="22" ry="13"/><ellipse cx="354" cy="330" rx="22" ry="13"/></g>`,
  },
  {
    name: "Orange Cat",
    weight: 14,
    art:
      feetAndShadow("#ffb062", "#d27a22") +
      `<g fill="#ffb062" stroke="#d27a22" stroke-width="6" stroke-linejoin="round"><path d="M104 214 L118 96 L206 158 Z"/><path d="M408 214 L394 96 L306 158 Z"/></g>
<g fill="#ff8fb0" opacity="0.7"><path d="M124 190 L132 124 L182 160 Z"/><path d="M388 190 L380 124 L330 160 Z"/></g>` +
      ellipseBody("#ffb062", "#d27a22") +
      `<g stroke="#8a4a12" stroke-width="4" stroke-linecap="round" opacity="0.6"><path d="M110 330 L56 318"/><path d="M110 344 L58 352"/><path d="M402 330 L456 318"/><path d="M402 344 L454 352"/></g>` +
      SHINE_AND_CHEEKS,
  },
  {
    name: "Cosmic",
    weight: 3,
    art:
      `<defs><linearGradient id="cosmic" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="#7b5cff"/><stop offset="0.5" stop-color="#36d1dc"/><stop offset="1" stop-color="#ff6fd8"/></linearGradient></defs>` +
      feetAndShadow("#7b5cff", "#3b2a9a") +
      ellipseBody("url(#cosmic)", "#3b2a9a") +
      `<g fill="#ffffff" opacity="0.85"><path d="M150 380 l5 14 l14 5 l-14 5 l-5 14 l-5 -14 l-14 -5 l14 -5 Z"/><path d="M372 200 l4 10 l10 4 l-10 4 l-4 10 l-4 -10 l-10 -4 l10 -4 Z"/><path d="M360 410 l3 8 l8 3 l-8 3 l-3 8 l-3 -8 l-8 -3 l8 -3 Z"/></g>` +
      SHINE_AND_CHEEKS,
  },
];

// ---------------------------------------------------------------- patterns: half-transparent ink over any body

/** Smaller than every body shape (the robot's rounded square contains it too), so no pattern leaks past an outline. */
const PATTERN_CLIP = `<defs><clipPath id="body"><ellipse cx="${BODY.cx}" cy="${BODY.cy}" rx="160" ry="152"/></clipPath></defs>`;

function pattern(ink: string, opacity: number, shapes: string): string {
  return `${PATTERN_CLIP}<g clip-path="url(#body)" fill="${ink}" opacity="${opacity}">${shapes}</g>`;
}

const SPOTS = [
  [140, 200, 22], [196, 168, 14], [330, 176, 18], [382, 226, 24], [112, 292, 16], [404, 300, 14],
  [130, 392, 26], [200, 430, 16], [318, 428, 20], [386, 384, 18], [256, 150, 10],
] as const;

const PATTERNS: readonly Trait[] = [
  { name: "None", weight: 40, art: NONE },
  { name: "Spots", weight: 30, art: pattern("#2a1a3a", 0.2, SPOTS.map(([x, y, r]) => `<circle cx="${x}" cy="${y}" r="${r}"/>`).join("")) },
  {
    name: "Stripes",
    weight: 20,
    art: pattern(
      "#2a1a3a",
      0.22,
      `<path d="M226 130 Q236 175 256 200 Q276 175 286 130 Z"/><path d="M176 140 Q196 175 214 190 Q206 160 206 136 Z"/><path d="M336 140 Q316 175 298 190 Q306 160 306 136 Z"/>
<path d="M80 250 Q130 258 150 280 Q120 284 80 280 Z"/><path d="M80 320 Q124 322 142 344 Q112 350 80 350 Z"/><path d="M90 390 Q140 392 160 412 Q124 420 90 420 Z"/>
<path d="M432 250 Q382 258 362 280 Q392 284 432 280 Z"/><path d="M432 320 Q388 322 370 344 Q400 350 432 350 Z"/><path d="M422 390 Q372 392 352 412 Q388 420 422 420 Z"/>`,
    ),
  },
  { name: "Eye Patch", weight: 10, art: pattern("#3b2416", 0.4, `<ellipse cx="${EYE_RIGHT_X + 4}" cy="${EYE_Y + 2}" rx="56" ry="50"/>`) },
];

// ---------------------------------------------------------------- eyes

function bothEyes(draw: (x: number) => string): string {
  return draw(EYE_LEFT_X) + draw(EYE_RIGHT_X);
}

const roundEye = (x: number): string =>
  `<circle cx="${x}" cy="${EYE_Y}" r="22" fill="${INK}"/><circle cx="${x - 7}" cy="${EYE_Y - 8}" r="7" fill="#ffffff"/><circle cx="${x + 8}" cy="${EYE_Y + 7}" r="3" fill="#ffffff" opacity="0.7"/>`;

const EYES: readonly Trait[] = [
  { name: "Round", weight: 30, art: bothEyes(roundEye) },
  {
    name: "Happy",
    weight: 20,
    art: bothEyes((x) => `<path d="M${x - 22} ${EYE_Y + 8} Q${x} ${EYE_Y - 26} ${x + 22} ${EYE_Y + 8}" fill="none" stroke="${INK}" stroke-width="9" stroke-linecap="round"/>`),
  },
  {
    name: "Sleepy",
    weight: 18,
    art: bothEyes(
      (x) =>
        `<path d="M${x - 20} ${EYE_Y} A20 20 0 0 0 ${x + 20} ${EYE_Y} Z" fill="${INK}"/><path d="M${x - 26} ${EYE_Y} H${x + 26}" stroke="${INK}" stroke-width="7" stroke-linecap="round"/><circle cx="${x - 6}" cy="${EYE_Y + 8}" r="4" fill="#ffffff"/>`,
    ),
  },
  {
    name: "Sparkly",
    weight: 15,
    art: bothEyes(
      (x) =>
        `<circle cx="${x}" cy="${EYE_Y}" r="32" fill="#ffffff" stroke="${INK}" stroke-width="5"/><circle cx="${x + 3}" cy="${EYE_Y + 3}" r="21" fill="#3f6df2"/><circle cx="${x + 3}" cy="${EYE_Y + 3}" r="11" fill="${INK}"/><circle cx="${x - 5}" cy="${EYE_Y - 6}" r="7" fill="#ffffff"/><circle cx="${x + 11}" cy="${EYE_Y + 11}" r="3.5" fill="#ffffff"/>`,
    ),
  },
  {
    name: "Wink",
    weight: 12,
    art:
      roundEye(EYE_LEFT_X) +
      `<path d="M${EYE_RIGHT_X + 20} ${EYE_Y - 16} L${EYE_RIGHT_X - 16} ${EYE_Y} L${EYE_RIGHT_X + 20} ${EYE_Y + 16}" fill="none" stroke="${INK}" stroke-width="9" stroke-linecap="round" stroke-linejoin="round"/>`,
  },
  {
    name: "Laser",
    weight: 5,
    art:
      `<defs>${blurFilter("glow", 10)}</defs>` +
      bothEyes(
        (x) =>
          `<circle cx="${x}" cy="${EYE_Y}" r="34" fill="#ff2a2a" opacity="0.5" filter="url(#glow)"/><circle cx="${x}" cy="${EYE_Y}" r="20" fill="#ff3b3b" stroke="#9e0f1f" stroke-width="4"/><circle cx="${x}" cy="${EYE_Y}" r="8" fill="#ffffff"/>`,
      ),
  },
];

// ---------------------------------------------------------------- mouths

const MOUTHS: readonly Trait[] = [
  {
    name: "Smile",
    weight: 35,
    art: `<path d="M${MOUTH_X - 26} ${MOUTH_Y - 4} Q${MOUTH_X} ${MOUTH_Y + 24} ${MOUTH_X + 26} ${MOUTH_Y - 4}" fill="none" stroke="${INK}" stroke-width="8" stroke-linecap="round"/>`,
  },
  {
    name: "Open",
    weight: 25,
    art: `<defs><clipPath id="mouth"><path id="m" d="M${MOUTH_X - 30} ${MOUTH_Y - 8} H${MOUTH_X + 30} Q${MOUTH_X + 28} ${MOUTH_Y + 38} ${MOUTH_X} ${MOUTH_Y + 38} Q${MOUTH_X - 28} ${MOUTH_Y + 38} ${MOUTH_X - 30} ${MOUTH_Y - 8} Z"/></clipPath></defs>
<use href="#m" fill="#5a1630"/><ellipse cx="${MOUTH_X}" cy="${MOUTH_Y + 36}" rx="20" ry="16" fill="#ff7a9a" clip-path="url(#mouth)"/><use href="#m" fill="none" stroke="${INK}" stroke-width="6" stroke-linejoin="round"/>`,
  },
  {
    name: "Cat",
    weight: 20,
    art: `<path d="M${MOUTH_X - 30} ${MOUTH_Y - 4} Q${MOUTH_X - 15} ${MOUTH_Y + 18} ${MOUTH_X} ${MOUTH_Y - 2} Q${MOUTH_X + 15} ${MOUTH_Y + 18} ${MOUTH_X + 30} ${MOUTH_Y - 4}" fill="none" stroke="${INK}" stroke-width="7" stroke-linecap="round" stroke-linejoin="round"/>`,
  },
  {
    name: "Fangs",
    weight: 15,
    art: `<g fill="#ffffff" stroke="${INK}" stroke-width="3" stroke-linejoin="round"><path d="M${MOUTH_X - 18} ${MOUTH_Y + 5} L${MOUTH_X - 12} ${MOUTH_Y + 20} L${MOUTH_X - 6} ${MOUTH_Y + 8} Z"/><path d="M${MOUTH_X + 18} ${MOUTH_Y + 5} L${MOUTH_X + 12} ${MOUTH_Y + 20} L${MOUTH_X + 6} ${MOUTH_Y + 8} Z"/></g>
<path d="M${MOUTH_X - 30} ${MOUTH_Y - 2} Q${MOUTH_X} ${MOUTH_Y + 18} ${MOUTH_X + 30} ${MOUTH_Y - 2}" fill="none" stroke="${INK}" stroke-width="7" stroke-linecap="round"/>`,
  },
  {
    name: "Surprised",
    weight: 5,
    art: `<ellipse cx="${MOUTH_X}" cy="${MOUTH_Y + 8}" rx="14" ry="18" fill="#5a1630" stroke="${INK}" stroke-width="6"/>`,
  },
];

// ---------------------------------------------------------------- headwear: sits on the top edge (y ~140)

const HEADWEAR: readonly Trait[] = [
  { name: "None", weight: 35, art: NONE },
  {
    name: "Cap",
    weight: 25,
    art: `<path d="M132 200 Q134 92 256 86 Q378 92 380 200 Z" fill="#e8464f" stroke="#a3232c" stroke-width="6" stroke-linejoin="round"/>
<path d="M256 88 V196" stroke="#a3232c" stroke-width="4" opacity="0.6"/><path d="M180 110 Q170 150 166 196 M332 110 Q342 150 346 196" stroke="#a3232c" stroke-width="4" fill="none" opacity="0.6"/>
<ellipse cx="256" cy="202" rx="146" ry="22" fill="#c9323b" stroke="#a3232c" stroke-width="6"/><circle cx="256" cy="86" r="10" fill="#a3232c"/>`,
  },
  {
    name: "Antenna",
    weight: 18,
    art: `<defs>${blurFilter("glow", 8)}</defs>
<path d="M256 150 V62" stroke="#7d8394" stroke-width="8" stroke-linecap="round"/><path d="M232 150 A24 18 0 0 1 280 150 Z" fill="#c9ccd6" stroke="#7d8394" stroke-width="5"/>
<circle cx="256" cy="52" r="30" fill="#ffd23f" opacity="0.5" filter="url(#glow)"/><circle cx="256" cy="52" r="16" fill="#ffd23f" stroke="#c99a00" stroke-width="4"/><circle cx="251" cy="47" r="5" fill="#ffffff"/>`,
  },
  {
    name: "Bow",
    weight: 12,
    art: `<g transform="rotate(-14 330 150)" stroke="#b8266a" stroke-width="6" stroke-linejoin="round">
<path d="M330 150 L272 112 Q260 150 272 188 Z" fill="#ff5c9d"/><path d="M330 150 L388 112 Q400 150 388 188 Z" fill="#ff5c9d"/><circle cx="330" cy="150" r="16" fill="#ff7fb2"/></g>
<g fill="#ffffff" opacity="0.5"><circle cx="290" cy="130" r="6"/><circle cx="370" cy="124" r="6"/></g>`,
  },
  {
    name: "Halo",
    weight: 8,
    art: `<defs>${blurFilter("glow", 8)}</defs>
<ellipse cx="256" cy="92" rx="92" ry="24" fill="none" stroke="#ffe066" stroke-width="26" opacity="0.5" filter="url(#glow)"/>
<ellipse cx="256" cy="92" rx="92" ry="24" fill="none" stroke="#ffd23f" stroke-width="12"/><ellipse cx="256" cy="92" rx="92" ry="24" fill="none" stroke="#fff6c4" stroke-width="4"/>`,
  },
  {
    name: "Crown",
    weight: 2,
    art: `<path d="M168 176 L156 84 L210 128 L256 58 L302 128 L356 84 L344 176 Z" fill="#ffc531" stroke="#b97f00" stroke-width="6" stroke-linejoin="round"/>
<path d="M166 158 H346" stroke="#b97f00" stroke-width="5"/><circle cx="156" cy="84" r="9" fill="#ffe27a" stroke="#b97f00" stroke-width="4"/><circle cx="256" cy="58" r="10" fill="#ffe27a" stroke="#b97f00" stroke-width="4"/><circle cx="356" cy="84" r="9" fill="#ffe27a" stroke="#b97f00" stroke-width="4"/>
<circle cx="256" cy="132" r="13" fill="#e8304a" stroke="#8c1020" stroke-width="4"/><circle cx="204" cy="142" r="8" fill="#3f6df2" stroke="#1d3a9a" stroke-width="3"/><circle cx="308" cy="142" r="8" fill="#3f6df2" stroke="#1d3a9a" stroke-width="3"/>
<path d="M186 100 L196 150" stroke="#ffffff" stroke-width="6" stroke-linecap="round" opacity="0.5"/>`,
  },
];

// ---------------------------------------------------------------- accessories

const ACCESSORIES: readonly Trait[] = [
  { name: "None", weight: 50, art: NONE },
  {
    name: "Round Glasses",
    weight: 22,
    art: `<g stroke="${INK}" stroke-width="7" stroke-linecap="round">
<circle cx="${EYE_LEFT_X}" cy="${EYE_Y}" r="42" fill="#9ad8ff" fill-opacity="0.3"/><circle cx="${EYE_RIGHT_X}" cy="${EYE_Y}" r="42" fill="#9ad8ff" fill-opacity="0.3"/>
<path d="M${EYE_LEFT_X + 42} ${EYE_Y - 4} Q256 ${EYE_Y - 18} ${EYE_RIGHT_X - 42} ${EYE_Y - 4}" fill="none"/><path d="M${EYE_LEFT_X - 42} ${EYE_Y - 6} L94 ${EYE_Y - 14} M${EYE_RIGHT_X + 42} ${EYE_Y - 6} L418 ${EYE_Y - 14}" fill="none"/></g>
<g stroke="#ffffff" stroke-width="5" stroke-linecap="round" opacity="0.7" fill="none"><path d="M${EYE_LEFT_X - 24} ${EYE_Y - 18} Q${EYE_LEFT_X - 18} ${EYE_Y - 28} ${EYE_LEFT_X - 6} ${EYE_Y - 30}"/><path d="M${EYE_RIGHT_X - 24} ${EYE_Y - 18} Q${EYE_RIGHT_X - 18} ${EYE_Y - 28} ${EYE_RIGHT_X - 6} ${EYE_Y - 30}"/></g>`,
  },
  {
    name: "Scarf",
    weight: 18,
    art: `<g stroke="#1f6f6a" stroke-width="5" stroke-linejoin="round">
<path d="M312 404 L300 476 L346 482 L350 410 Z" fill="#2bb3a8"/>
<path d="M108 372 Q256 420 404 372 L410 408 Q256 462 102 408 Z" fill="#2bb3a8"/></g>
<g stroke="#ffffff" stroke-width="8" opacity="0.55" fill="none"><path d="M160 396 L154 430 M220 408 L216 444 M292 408 L296 444 M352 396 L358 430"/><path d="M304 456 L346 461"/></g>
<g stroke="#1f6f6a" stroke-width="4" stroke-linecap="round"><path d="M306 480 L304 494 M318 482 L317 496 M330 483 L330 497 M342 484 L343 498"/></g>`,
  },
  {
    name: "Gold Earring",
    weight: 10,
    art: `<circle cx="100" cy="326" r="7" fill="#ffd23f" stroke="#b97f00" stroke-width="3"/>
<circle cx="100" cy="352" r="20" fill="none" stroke="#b97f00" stroke-width="9"/><circle cx="100" cy="352" r="20" fill="none" stroke="#ffd23f" stroke-width="5"/>
<path d="M86 344 A16 16 0 0 1 96 334" stroke="#fff6c4" stroke-width="3" fill="none" stroke-linecap="round"/>`,
  },
];

const LAYERS: readonly Layer[] = [
  { folder: "01-Background", traits: BACKGROUNDS },
  { folder: "02-Body", traits: BODIES },
  { folder: "03-Pattern", traits: PATTERNS },
  { folder: "04-Eyes", traits: EYES },
  { folder: "05-Mouth", traits: MOUTHS },
  { folder: "06-Headwear", traits: HEADWEAR },
  { folder: "07-Accessory", traits: ACCESSORIES },
];

async function renderTrait(trait: Trait, file: string): Promise<void> {
  // palette: false keeps true RGBA, so the demo exercises full 8-bit alpha rather than a quantised palette.
  await sharp(Buffer.from(svgDocument(trait.art)))
    .ensureAlpha()
    .png({ compressionLevel: 9, palette: false })
    .toFile(file);
}

async function main(): Promise<void> {
  await mkdir(OUT_DIR, { recursive: true });
  for (const entry of await readdir(OUT_DIR, { withFileTypes: true })) {
    if (entry.isDirectory() && LAYER_DIR_RE.test(entry.name)) await rm(path.join(OUT_DIR, entry.name), { recursive: true });
  }
  let combinations = 1;
  for (const layer of LAYERS) {
    const dir = path.join(OUT_DIR, layer.folder);
    await mkdir(dir);
    for (const trait of layer.traits) await renderTrait(trait, path.join(dir, `${trait.name}#${trait.weight}.png`));
    combinations *= layer.traits.length;
    console.log(`${layer.folder}: ${layer.traits.map((t) => `${t.name}#${t.weight}`).join(", ")}`);
  }
  console.log(`${LAYERS.length} layers, ${combinations} combinations -> ${path.relative(process.cwd(), OUT_DIR)}`);
}

await main();
