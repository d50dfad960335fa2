/**
 * Photos for the demo's tree works applications: small JPEGs drawn at seed time (a tree of a
 * kind, in its garden, from an SVG sketch), a few kilobytes each, so the repository ships no
 * binary files and each application has real images to open.
 */
export type TreeShape = 'oak' | 'conifer' | 'birch';

export interface TreePhoto { shape: TreeShape; leaves: string; sky: string; seed: number }

function sketch({ shape, leaves, sky, seed }: TreePhoto): string {
  // A few crown blobs, placed by the seed so no two photos look the same.
  const jitter = (n: number) => ((seed * 9301 + n * 49297) % 233280) / 233280;
  const crown = shape === 'conifer'
    ? `<polygon points="160,30 95,190 225,190" fill="${leaves}"/><polygon points="160,70 110,200 210,200" fill="${leaves}" opacity="0.85"/>`
    : Array.from({ length: 7 }, (_, n) => {
      const x = 160 + (jitter(n) - 0.5) * (shape === 'birch' ? 70 : 120);
      const y = 95 + (jitter(n + 7) - 0.5) * 80;
      const r = (shape === 'birch' ? 28 : 40) + jitter(n + 14) * 18;
      return `<circle cx="${x.toFixed(1)}" cy="${y.toFixed(1)}" r="${r.toFixed(1)}" fill="${leaves}" opacity="${(0.75 + jitter(n + 21) * 0.25).toFixed(2)}"/>`;
    }).join('');
  const trunk = shape === 'birch' ? '#e8e4da' : '#5b3a1e';
  return `<svg xmlns="http://www.w3.org/2000/svg" width="320" height="240" viewBox="0 0 320 240">
    <rect width="320" height="240" fill="${sky}"/>
    <rect y="185" width="320" height="55" fill="#6a8f3c"/>
    <rect x="20" y="150" width="90" height="45" fill="#b9a27a"/><polygon points="15,150 65,115 115,150" fill="#8c4b3a"/>
    <rect x="${shape === 'birch' ? 153 : 148}" y="110" width="${shape === 'birch' ? 14 : 24}" height="90" fill="${trunk}"/>
    ${crown}
    <rect x="0" y="200" width="320" height="6" fill="#7d6b53"/>
  </svg>`;
}

/** A photo as JPEG bytes (about 3 to 6 KB). */
export async function treePhoto(photo: TreePhoto): Promise<Buffer> {
  const { default: sharp } = await import('sharp');
  return sharp(Buffer.from(sketch(photo))).jpeg({ quality: 70 }).toBuffer();
}
