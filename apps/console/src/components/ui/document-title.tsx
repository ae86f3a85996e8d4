/** Sets the page <title> (React 19 hoists it into <head>). One per screen. */
export function DocumentTitle({ title }: { title: string }) {
  return <title>{`${title} · Firebreak`}</title>;
}
