/** A multipart/form-data body with one file field, for app.inject. */
export function multipartFile(filename: string, content: Buffer | string, field = 'file', contentType = 'application/octet-stream') {
  const boundary = `----leadflow${Math.random().toString(16).slice(2)}`;
  const head = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${field}"; filename="${filename.replace(/"/g, '%22')}"\r\nContent-Type: ${contentType}\r\n\r\n`);
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  return { payload: Buffer.concat([head, Buffer.isBuffer(content) ? content : Buffer.from(content), tail]), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

/** The smallest valid-looking files of each type (the magic bytes the sniffing checks). */
export const samples = {
  pdf: Buffer.from('%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n'),
  png: Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(16)]),
  csv: Buffer.from('product,quantity\nCRM seat,10\n'),
  exe: Buffer.concat([Buffer.from('MZ'), Buffer.alloc(64, 1)]),
};
