/** The widget's styles, scoped by its Shadow DOM; --kh is the widget colour. */
export const css = `
:host{all:initial}
*{box-sizing:border-box;font-family:system-ui,-apple-system,"Segoe UI","Noto Sans Arabic",Tahoma,sans-serif}
.w{position:fixed;bottom:20px;z-index:2147483000;display:flex;flex-direction:column;align-items:flex-end;gap:12px;font-size:14px;color:#1f2328}
.w.end{inset-inline-end:20px}.w.start{inset-inline-start:20px;align-items:flex-start}
.l{width:56px;height:56px;border-radius:50%;border:0;background:var(--kh);color:#fff;cursor:pointer;box-shadow:0 4px 14px #0003;display:grid;place-items:center}
.l svg{width:28px;height:28px;fill:currentColor}
button:focus-visible,input:focus-visible,textarea:focus-visible{outline:3px solid #1f6feb;outline-offset:2px}
.p{width:min(370px,calc(100vw - 40px));height:min(560px,calc(100vh - 110px));background:#fff;border-radius:14px;box-shadow:0 8px 30px #0004;display:flex;flex-direction:column;overflow:hidden}
.h{background:var(--kh);color:#fff;padding:14px 16px;display:flex;align-items:center;gap:8px}
.h h2{font-size:16px;margin:0;flex:1}.h p{margin:2px 0 0;font-size:12px;opacity:.9}
.x{background:none;border:0;color:#fff;font-size:22px;cursor:pointer;line-height:1;padding:4px 8px;border-radius:6px}
.m{flex:1;overflow-y:auto;padding:12px;display:flex;flex-direction:column;gap:8px;background:#f6f8fa}
.g{align-self:center;color:#57606a;font-size:13px;text-align:center;margin:4px 0}
.b{max-width:80%;padding:8px 12px;border-radius:14px;white-space:pre-wrap;word-wrap:break-word;line-height:1.45}
.b.v{align-self:flex-end;background:var(--kh);color:#fff;border-end-end-radius:4px}
.b.a{align-self:flex-start;background:#fff;border:1px solid #d0d7de;border-end-start-radius:4px}
.n{font-size:11px;font-weight:600;margin-bottom:2px;color:#57606a}
.s{font-size:11px;color:#57606a;align-self:flex-end}
.b.v .n,.b.v .s{color:#ffffffd9}
.b img{max-width:100%;border-radius:8px;display:block;margin-top:4px}
.b a{color:inherit}
.t{font-size:12px;color:#57606a;padding:0 14px 4px;min-height:18px}
form.c{display:flex;gap:6px;padding:10px;border-top:1px solid #d0d7de;align-items:flex-end}
textarea{flex:1;resize:none;border:1px solid #d0d7de;border-radius:10px;padding:8px 10px;font-size:14px;max-height:100px;min-height:38px}
.i{position:relative;background:none;border:1px solid #d0d7de;border-radius:10px;width:38px;height:38px;cursor:pointer;color:#57606a;display:grid;place-items:center}
.i svg{width:20px;height:20px;fill:none;stroke:currentColor;stroke-width:2;stroke-linecap:round;stroke-linejoin:round}
.i:focus-within{outline:3px solid #1f6feb;outline-offset:2px}
.go{background:var(--kh);color:#fff;border:0;border-radius:10px;padding:0 14px;height:38px;cursor:pointer;font-weight:600}
.f{padding:16px;display:flex;flex-direction:column;gap:10px;overflow-y:auto}
.f label{display:flex;flex-direction:column;gap:4px;font-size:13px;font-weight:600}
.f input,.f textarea{border:1px solid #d0d7de;border-radius:8px;padding:8px 10px;font-size:14px;font-weight:400}
.e{color:#cf222e;font-size:13px}
.sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
`;
