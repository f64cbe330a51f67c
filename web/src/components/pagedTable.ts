// The options of a PagedTable (PagedTable.vue), which a ListLayout passes on to its table.
export interface PagedTableOptions {
  // the table's accessible name (with `region`, the name of a <section> around it instead)
  label: string
  emptyText?: string
  region?: boolean
  tableClass?: string
  // the pager only when there is more than one page; aligned right
  pagerAuto?: boolean
  pagerEnd?: boolean
  // the page sizes offered (the pager then emits `size`), and the order of the pager's parts
  pageSizes?: number[]
  layout?: string
}
