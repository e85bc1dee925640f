/**
 * The apply page's material slots in a browser: put a real small file into every required slot
 * (the sample PDF where PDFs are taken, else the sample photo) through the file input, as a person
 * picking a file would, and wait for each to be shown as verified.
 */
import type { Page } from 'playwright-core';
import { sampleFiles } from '../support/materials.ts';

export async function uploadRequiredMaterials(page: Page): Promise<void> {
  const { pdf, photo } = await sampleFiles();
  await page.getByTestId('material-slots').waitFor();
  const slots = page.locator('[data-testid="slot"][data-required="1"]');
  for (const slot of await slots.all()) {
    if ((await slot.getByTestId('slot-file').count()) > 0) continue;
    const file = ((await slot.getAttribute('data-formats')) ?? '').split(' ').includes('pdf') ? pdf : photo;
    await slot
      .getByTestId('slot-input')
      .setInputFiles({ name: file.name, mimeType: file.type, buffer: Buffer.from(file.data) });
    await slot.getByTestId('slot-file').first().waitFor({ timeout: 30_000 });
  }
}
