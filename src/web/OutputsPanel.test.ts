import { describe, expect, it } from "vitest";
import { checkDraft, draftOf } from "./OutputsPanel.js";

const ADDRESS = "9WzDXwBbmkg8ZTbNMqUxvQRAyrZzDsGYdLVL9zYtAWWM";

describe("outputs panel draft", () => {
  it("is erc721 alone (no outputs key) where no other target is chosen", () => {
    expect(checkDraft({})).toEqual({ ok: true, outputs: undefined });
    expect(checkDraft({ erc721: {} })).toEqual({ ok: true, outputs: undefined });
  });

  it("adds erc721 to the chosen targets and keeps options the form does not show", () => {
    const draft = draftOf({ solana: { dir: "sol", symbol: "LOOM", sellerFeeBasisPoints: 500, creators: [{ address: ADDRESS, share: 100 }] } });
    expect(checkDraft(draft)).toEqual({
      ok: true,
      outputs: { erc721: {}, solana: { dir: "sol", symbol: "LOOM", sellerFeeBasisPoints: 500, creators: [{ address: ADDRESS, share: 100 }] } },
    });
  });

  it("gives core's messages, naming each field, and the fields to mark", () => {
    const result = checkDraft({ solana: { sellerFeeBasisPoints: 20000, creators: [{ address: "nope", share: 60 }] }, cardano: {} });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors).toContain("outputs.solana.sellerFeeBasisPoints: expected a number <= 10000, found 20000");
    expect(result.errors.some((e) => e.startsWith("outputs.solana.creators[0].address: expected a Solana address (base58 of 32 bytes)"))).toBe(true);
    expect(result.fields).toEqual(expect.arrayContaining(["solana.sellerFeeBasisPoints", "solana.creators.0.address", "solana.creators", "cardano.policyId"]));
    const typed = checkDraft({ solana: { sellerFeeBasisPoints: "5%" } });
    expect(typed.ok ? [] : typed.errors).toEqual(['outputs.solana.sellerFeeBasisPoints: expected a number, found "5%"']);
  });
});
