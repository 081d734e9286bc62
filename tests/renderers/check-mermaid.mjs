// Reads Mermaid diagrams from the files named on the command line and
// parses each with Mermaid's own parser (the one GitHub's renderer runs).
// Prints `ok <file> <diagram type>` per file; exits 1 on the first error.
import { readFile } from 'node:fs/promises';
import mermaid from 'mermaid';

for (const file of process.argv.slice(2)) {
  const text = await readFile(file, 'utf8');
  try {
    const result = await mermaid.parse(text);
    console.log(`ok ${file} ${result.diagramType}`);
  } catch (error) {
    console.error(`${file}: ${error.message ?? error}`);
    process.exit(1);
  }
}
