import { readFileSync } from 'node:fs';
import { parseCatalog } from '../../functions/domain/registry/catalog.ts';

/**
 * SYNTHETIC example, not the real 2025 reform: Xã Thử A and Xã Thử B merge into Xã Thử Mới on
 * 2025-07-01, and Xã Thử C splits into D (60%) and E (40%) the same day.
 */
export const SYNTHETIC_UNITS = `code,name_vi,name_en,type,aliases,valid_from,valid_to,parent
xa-thu-a,Xã Thử A,Test A,commune,Xã Thu A cũ,,2025-06-30,
xa-thu-b,Xã Thử B,Test B,commune,,,2025-06-30,
xa-thu-moi,Xã Thử Mới,Test New,commune,,2025-07-01,,
xa-thu-c,Xã Thử C,Test C,commune,,,2025-06-30,
xa-thu-d,Xã Thử D,Test D,commune,,2025-07-01,,
xa-thu-e,Xã Thử E,Test E,commune,,2025-07-01,,
`;
export const SYNTHETIC_EVENTS = `date,kind,from,to,share,source,verified
2025-07-01,merge,xa-thu-a,xa-thu-moi,,Synthetic test resolution 1,yes
2025-07-01,merge,xa-thu-b,xa-thu-moi,,Synthetic test resolution 1,yes
2025-07-01,split,xa-thu-c,xa-thu-d,0.6,Synthetic test resolution 2,no
2025-07-01,split,xa-thu-c,xa-thu-e,0.4,Synthetic test resolution 2,no
`;
export const EXAMPLE_INDICATORS = readFileSync(new URL('../../schemas/indicators.csv', import.meta.url), 'utf8');

export const syntheticCatalog = () => parseCatalog({ 'units.csv': SYNTHETIC_UNITS, 'indicators.csv': EXAMPLE_INDICATORS, 'registry-events.csv': SYNTHETIC_EVENTS });
