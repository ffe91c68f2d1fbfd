/** OpenAI names nested parameters with dots (`input_reference.image_url`) and indexes with brackets. */
export function paramName(segments: readonly (string | number)[]): string | null {
  if (segments.length === 0) return null;
  return segments.reduce<string>((name, segment) => (
    typeof segment === 'number' ? `${name}[${segment}]` : name === '' ? segment : `${name}.${segment}`
  ), '');
}
