/**
 * Browser mode: the first page load carries `?token=`, which the server has already traded for a
 * cookie. Leaving it in the address bar would put it in history, bookmarks and screenshots.
 */
export function dropTokenFromAddress(location: Location, history: History): void {
  const url = new URL(location.href)
  if (!url.searchParams.has('token')) return
  url.searchParams.delete('token')
  history.replaceState(history.state, '', `${url.pathname}${url.search}${url.hash}`)
}
