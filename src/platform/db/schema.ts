// Each module adds its tables to this interface from its own store.ts (declaration merging),
// so the Kysely instance knows every table while each module keeps its SQL to itself.
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface Database {}
