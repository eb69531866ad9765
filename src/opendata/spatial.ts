import proj4 from 'proj4';

// Hong Kong data often comes in HK1980 Grid (EPSG:2326); the portal serves WGS 84 longitude/latitude.
// Definition from the EPSG registry (as published at epsg.io/2326).
proj4.defs('EPSG:2326', '+proj=tmerc +lat_0=22.3121333333333 +lon_0=114.178555555556 +k=1 +x_0=836694.05 +y_0=819069.8 +ellps=intl +towgs84=-162.619,-276.959,-161.764,0.067753,-2.243649,-1.158827,-1.094246 +units=m +no_defs +type=crs');
proj4.defs('EPSG:4326', '+proj=longlat +datum=WGS84 +no_defs +type=crs');

const KNOWN = new Set(['EPSG:2326', 'EPSG:4326']);

/** The EPSG code a GeoJSON `crs` member names (old GeoJSON 2008 style), or WGS 84 when there is none. */
export function crsOf(geojson: { crs?: { properties?: { name?: unknown } } }): string | undefined {
  const name = geojson.crs?.properties?.name;
  if (name === undefined) return 'EPSG:4326';
  if (typeof name !== 'string') return undefined;
  const match = /EPSG:{1,2}(\d+)$/i.exec(name) ?? (/CRS84$/i.test(name) ? [, '4326'] : null);
  const code = match ? `EPSG:${match[1]}` : undefined;
  return code && KNOWN.has(code) ? code : undefined;
}

type Position = number[];
type Coordinates = Position | Coordinates[];

function convert(coordinates: Coordinates, transform: (p: Position) => Position): Coordinates {
  if (typeof coordinates[0] === 'number') return transform(coordinates as Position);
  return (coordinates as Coordinates[]).map((c) => convert(c, transform));
}

const round = (n: number) => Math.round(n * 1e7) / 1e7;

/** A GeoJSON geometry with its coordinates moved from `source` to WGS 84. */
export function toWgs84(geometry: { type: string; coordinates?: Coordinates; geometries?: unknown[] } | null, source: string): unknown {
  if (!geometry || source === 'EPSG:4326') return geometry;
  const converter = proj4(source, 'EPSG:4326');
  const transform = (p: Position) => {
    const [x, y] = converter.forward([p[0]!, p[1]!]);
    return [round(x!), round(y!)];
  };
  if (geometry.type === 'GeometryCollection') return { ...geometry, geometries: (geometry.geometries ?? []).map((g) => toWgs84(g as never, source)) };
  return { ...geometry, coordinates: convert(geometry.coordinates ?? [], transform) };
}
