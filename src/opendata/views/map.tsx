// A map preview of spatial rows drawn as SVG on the server: no tile server, no JavaScript. Longitude and latitude
// are scaled to the layer's bounding box (with latitude's cosine, so shapes are not stretched).

type Position = number[];
interface Geometry { type: string; coordinates?: unknown; geometries?: Geometry[] }

const WIDTH = 640;

function positions(coordinates: unknown, out: Position[] = []): Position[] {
  if (!Array.isArray(coordinates)) return out;
  if (typeof coordinates[0] === 'number') out.push(coordinates as Position);
  else for (const c of coordinates) positions(c, out);
  return out;
}

export function MapPreview(props: { label: string; features: { name: string; geometry: Geometry | null }[] }) {
  const all = props.features.flatMap((f) => positions(f.geometry?.coordinates ?? f.geometry?.geometries?.map((g) => g.coordinates)));
  if (all.length === 0) return null;
  const xs = all.map((p) => p[0]!);
  const ys = all.map((p) => p[1]!);
  const [minX, maxX, minY, maxY] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  const aspect = Math.cos(((minY + maxY) / 2) * (Math.PI / 180));
  const spanX = Math.max((maxX - minX) * aspect, 1e-6);
  const spanY = Math.max(maxY - minY, 1e-6);
  const height = Math.round(Math.min(480, Math.max(160, (WIDTH * spanY) / spanX)));
  const scale = Math.min((WIDTH - 40) / spanX, (height - 40) / spanY);
  const point = (p: Position) => `${(20 + (p[0]! - minX) * aspect * scale).toFixed(1)},${(height - 20 - (p[1]! - minY) * scale).toFixed(1)}`;
  const shape = (g: Geometry, name: string) => {
    const kind = g.type.replace('Multi', '');
    if (kind === 'Point') return positions(g.coordinates).map((p) => { const [x, y] = point(p).split(','); return <circle cx={x} cy={y} r="6" fill="#0b3d6e" stroke="#ffffff" stroke-width="2"><title>{name}</title></circle>; });
    const d = (kind === 'Polygon' ? (g.type === 'MultiPolygon' ? (g.coordinates as Position[][][]).flat() : (g.coordinates as Position[][])) : g.type === 'MultiLineString' ? (g.coordinates as Position[][]) : [g.coordinates as Position[]])
      .map((ring) => `M${ring.map(point).join('L')}${kind === 'Polygon' ? 'Z' : ''}`).join(' ');
    return <path d={d} fill={kind === 'Polygon' ? '#9ec5e8' : 'none'} stroke="#0b3d6e" stroke-width="2"><title>{name}</title></path>;
  };
  return (
    <figure>
      <svg viewBox={`0 0 ${WIDTH} ${height}`} role="img" aria-label={props.label} width="100%">
        <rect x="0" y="0" width={String(WIDTH)} height={String(height)} fill="#f3f5f8" stroke="#6b6b6b" />
        {props.features.map((f) => (f.geometry ? (f.geometry.type === 'GeometryCollection' ? (f.geometry.geometries ?? []).map((g) => shape(g, f.name)) : shape(f.geometry, f.name)) : null))}
      </svg>
      <figcaption>{props.label}</figcaption>
    </figure>
  );
}
