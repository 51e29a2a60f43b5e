/** The path of one object of a resource: `/rooms/{id}`, the id encoded. */
export function itemPath(resource: string, id: string): string {
  return `/${resource}/${encodeURIComponent(id)}`;
}
