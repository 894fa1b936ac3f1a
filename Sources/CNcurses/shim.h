#ifndef LENDSCOPE_CNCURSES_SHIM_H
#define LENDSCOPE_CNCURSES_SHIM_H

/* Wide-character curses: without this get_wch and friends are invisible to Swift. */
#define NCURSES_WIDECHAR 1
#ifndef _XOPEN_SOURCE_EXTENDED
#define _XOPEN_SOURCE_EXTENDED 1
#endif
#include <locale.h>
#include <langinfo.h>
#include <stdio.h>
#include <string.h>
#include <wchar.h>
#include <ncursesw/curses.h>

/* Macros and globals that Swift cannot import (or refuses in Swift 6 mode), as functions. */
static inline WINDOW *lendscope_stdscr(void) { return stdscr; }
static inline int lendscope_lines(void) { return LINES; }
static inline int lendscope_cols(void) { return COLS; }
static inline int lendscope_colors(void) { return COLORS; }
static inline attr_t lendscope_a_normal(void) { return A_NORMAL; }
static inline attr_t lendscope_a_bold(void) { return A_BOLD; }
static inline attr_t lendscope_a_reverse(void) { return A_REVERSE; }
static inline attr_t lendscope_a_underline(void) { return A_UNDERLINE; }
static inline attr_t lendscope_a_dim(void) { return A_DIM; }
static inline attr_t lendscope_color_pair(short pair) { return COLOR_PAIR(pair); }
static inline int lendscope_key_code_yes(void) { return KEY_CODE_YES; }
static inline int lendscope_err(void) { return ERR; }

/* newterm on the process's standard output and input (stdin/stdout are globals Swift 6 refuses). */
static inline SCREEN *lendscope_newterm(void) { return newterm(NULL, stdout, stdin); }

/* Writes a run of wide characters at (y, x) with one attribute set. */
static inline int lendscope_put(int y, int x, const wchar_t *text, int length, attr_t attributes, short pair) {
    attr_set(attributes, pair, NULL);
    return mvaddnwstr(y, x, text, length);
}

/* The locale's character set is UTF-8. */
static inline int lendscope_locale_is_utf8(void) {
    const char *codeset = nl_langinfo(CODESET);
    return codeset != NULL && (strcmp(codeset, "UTF-8") == 0 || strcmp(codeset, "utf8") == 0);
}

#endif
