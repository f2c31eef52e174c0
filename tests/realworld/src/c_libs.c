/* lvm real-world test module (clang, C): Duktape 2.7 (the whole JavaScript
 * engine, /usr/share/duktape/duktape.c from Debian's duktape-dev) plus the
 * implementations of the stb single-file libraries (Debian's libstb-dev).
 * Built -g -O0 for wasm32-wasi.  duktape.c is compiled as a separate
 * translation unit; this file holds the stb implementations and main(). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>

#define STB_IMAGE_IMPLEMENTATION
#define STBI_NO_THREAD_LOCALS
#include <stb/stb_image.h>
#define STB_IMAGE_WRITE_IMPLEMENTATION
#include <stb/stb_image_write.h>
#define STB_IMAGE_RESIZE_IMPLEMENTATION
#include <stb/stb_image_resize.h>
#define STB_RECT_PACK_IMPLEMENTATION
#include <stb/stb_rect_pack.h>
#define STB_TRUETYPE_IMPLEMENTATION
#include <stb/stb_truetype.h>
#define STB_DS_IMPLEMENTATION
#include <stb/stb_ds.h>
#define STB_SPRINTF_IMPLEMENTATION
#include <stb/stb_sprintf.h>
#define STB_PERLIN_IMPLEMENTATION
#include <stb/stb_perlin.h>
#define STB_DXT_IMPLEMENTATION
#include <stb/stb_dxt.h>
#define STB_C_LEXER_IMPLEMENTATION
#include <stb/stb_c_lexer.h>
#define STB_DIVIDE_IMPLEMENTATION
#include <stb/stb_divide.h>
#define STB_HEXWAVE_IMPLEMENTATION
#include <stb/stb_hexwave.h>
#include <stb/stb_vorbis.h>

#include "duktape.h"

static const char *js_src =
    "function fib(n){return n<2?n:fib(n-1)+fib(n-2);}"
    "var o={a:[1,2,3],s:'x'.repeat(5)};"
    "JSON.stringify(o)+' fib(20)='+fib(20)+' '+[3,1,2].sort().join(',');";

int main(int argc, char **argv) {
    (void)argc; (void)argv;
    /* Duktape: evaluate a little script. */
    duk_context *ctx = duk_create_heap_default();
    duk_eval_string(ctx, js_src);
    printf("duktape: %s\n", duk_safe_to_string(ctx, -1));
    duk_destroy_heap(ctx);

    /* stb_perlin + stb_image_write + stb_image round trip through memory. */
    enum { W = 32, H = 32 };
    static unsigned char img[W * H * 3];
    for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++) {
            float n = stb_perlin_noise3(x / 8.0f, y / 8.0f, 0.5f, 0, 0, 0);
            unsigned char v = (unsigned char)((n + 1.0f) * 127.0f);
            img[(y * W + x) * 3 + 0] = v;
            img[(y * W + x) * 3 + 1] = (unsigned char)x * 8;
            img[(y * W + x) * 3 + 2] = (unsigned char)y * 8;
        }
    int len = 0;
    unsigned char *png = stbi_write_png_to_mem(img, W * 3, W, H, 3, &len);
    int w, h, c;
    unsigned char *back = stbi_load_from_memory(png, len, &w, &h, &c, 3);
    printf("png: %d bytes, decoded %dx%dx%d, same=%d\n", len, w, h, c,
           back && memcmp(back, img, sizeof img) == 0);
    static unsigned char half[(W / 2) * (H / 2) * 3];
    stbir_resize_uint8(img, W, H, 0, half, W / 2, H / 2, 0, 3);

    /* stb_ds hash map and stb_sprintf. */
    struct { char *key; int value; } *map = NULL;
    shput(map, "one", 1); shput(map, "two", 2); shput(map, "three", 3);
    char buf[128];
    stbsp_snprintf(buf, sizeof buf, "%s=%d %.3f", "two", shget(map, "two"), 3.14159);
    printf("stb_ds/sprintf: %s (len %d)\n", buf, (int)shlen(map));
    shfree(map);

    /* stb_rect_pack */
    stbrp_context rp; stbrp_node nodes[64]; stbrp_rect rects[4];
    for (int i = 0; i < 4; i++) { rects[i].id = i; rects[i].w = 10 + i; rects[i].h = 7 + i; }
    stbrp_init_target(&rp, 64, 64, nodes, 64);
    printf("rect_pack: all packed=%d\n", stbrp_pack_rects(&rp, rects, 4));

    /* stb_c_lexer */
    const char *code = "int x = 42; /* c */ return x + 0x10;";
    static char store[256];
    stb_lexer lex; int toks = 0;
    stb_c_lexer_init(&lex, code, code + strlen(code), store, sizeof store);
    while (stb_c_lexer_get_token(&lex)) toks++;
    printf("c_lexer: %d tokens\n", toks);

    /* stb_dxt: compress one 4x4 RGBA block. */
    unsigned char block[64], out[8];
    for (int i = 0; i < 64; i++) block[i] = (unsigned char)(i * 4);
    stb_compress_dxt_block(out, block, 0, STB_DXT_NORMAL);
    printf("dxt: %02x%02x\n", out[0], out[1]);

    /* stb_vorbis: decoding garbage must fail cleanly. */
    int err = 0;
    stb_vorbis *v = stb_vorbis_open_memory(png, len, &err, NULL);
    printf("vorbis on non-ogg: %s (err %d)\n", v ? "opened?!" : "rejected", err);
    free(back); STBIW_FREE(png);
    return 0;
}
