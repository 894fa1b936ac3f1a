#ifndef LENDSCOPE_CNCURSES_SHIM_H
#define LENDSCOPE_CNCURSES_SHIM_H

/* Wide-character curses: without this get_wch and friends are invisible to Swift. */
#define NCURSES_WIDECHAR 1
#ifndef _XOPEN_SOURCE_EXTENDED
#define _XOPEN_SOURCE_EXTENDED 1
#endif
#include <locale.h>
#include <signal.h>
#include <termios.h>
#include <unistd.h>
#include <langinfo.h>
#include <sys/ioctl.h>
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

/* Bracketed paste on or off: pasted text then arrives between ESC [200~ and ESC [201~, so it
 * can be typed into a prompt instead of running as commands. Terminals without it ignore this. */
static inline void lendscope_bracketed_paste(int on) {
    static const char enable[] = "\033[?2004h", disable[] = "\033[?2004l";
    fflush(stdout);
    ssize_t ignored = write(STDOUT_FILENO, on ? enable : disable, (on ? sizeof enable : sizeof disable) - 1);
    (void)ignored;
}

/* Ctrl-S and Ctrl-Q are keys, not XON/XOFF: a viewer must not freeze the screen by accident. */
static inline void lendscope_flow_control_off(void) {
    struct termios modes;
    if (tcgetattr(STDIN_FILENO, &modes) == 0) {
        modes.c_iflag &= ~(tcflag_t)(IXON | IXOFF);
        tcsetattr(STDIN_FILENO, TCSANOW, &modes);
    }
}

/* After SIGWINCH: asks the terminal its size and tells curses (the loop owns SIGWINCH, not curses). */
static inline void lendscope_update_size(void) {
    struct winsize size;
    if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &size) == 0 && size.ws_row > 0 && size.ws_col > 0) {
        resizeterm(size.ws_row, size.ws_col);
    }
}

/* The locale's character set is UTF-8. */
static inline int lendscope_locale_is_utf8(void) {
    const char *codeset = nl_langinfo(CODESET);
    return codeset != NULL && (strcmp(codeset, "UTF-8") == 0 || strcmp(codeset, "utf8") == 0);
}

/*
 * Whatever goes wrong, the terminal is given back. For the signals whose default action ends the
 * process (faults and aborts: SIGABRT, SIGILL, SIGTRAP, SIGSEGV, SIGBUS, SIGFPE, SIGSYS, SIGQUIT;
 * limits and timers: SIGXCPU, SIGXFSZ, SIGALRM, SIGVTALRM, SIGPROF; SIGUSR1, SIGUSR2), a handler here in C,
 * using only async-signal-safe calls (write, tcsetattr, sigaction, raise), leaves the alternate
 * screen, shows the cursor, resets attributes, restores the terminal modes saved before curses
 * started, then re-raises the signal with its default action (so the exit status and a core dump
 * stay what they would have been). SIGINT, SIGTERM and SIGHUP go through the event loop instead.
 */
/* The saved modes, in function-scope statics (file-scope ones in a header Swift imports are not emitted). */
static inline struct termios *lendscope_saved_modes(void) { static struct termios modes; return &modes; }
static inline int *lendscope_saved_valid(void) { static int valid = 0; return &valid; }

static void lendscope_crash_restore(int signal_number) {
    static const char reset[] = "\033[?2004l\033[?1049l\033[?25h\033[0m\r\n";
    ssize_t ignored = write(STDOUT_FILENO, reset, sizeof reset - 1);
    (void)ignored;
    if (*lendscope_saved_valid()) tcsetattr(STDIN_FILENO, TCSANOW, lendscope_saved_modes());
    struct sigaction original;
    memset(&original, 0, sizeof original);
    original.sa_handler = SIG_DFL;
    sigemptyset(&original.sa_mask);
    sigaction(signal_number, &original, NULL);
    raise(signal_number);
}

/* Saves the terminal's modes (call before curses changes them) and installs the handlers. */
static inline void lendscope_install_crash_restore(void) {
    if (tcgetattr(STDIN_FILENO, lendscope_saved_modes()) == 0) *lendscope_saved_valid() = 1;
    static const int signals[] = { SIGABRT, SIGILL, SIGTRAP, SIGSEGV, SIGBUS, SIGQUIT, SIGFPE, SIGSYS, SIGXCPU, SIGXFSZ,
                                   SIGUSR1, SIGUSR2, SIGALRM, SIGVTALRM, SIGPROF };
    for (unsigned i = 0; i < sizeof signals / sizeof signals[0]; i++) {
        struct sigaction action;
        memset(&action, 0, sizeof action);
        action.sa_handler = lendscope_crash_restore;
        sigemptyset(&action.sa_mask);
        action.sa_flags = SA_RESETHAND;
        sigaction(signals[i], &action, NULL);
    }
}

/* Removes the handlers once the terminal is restored normally. */
static inline void lendscope_remove_crash_restore(void) {
    static const int signals[] = { SIGABRT, SIGILL, SIGTRAP, SIGSEGV, SIGBUS, SIGQUIT, SIGFPE, SIGSYS, SIGXCPU, SIGXFSZ,
                                   SIGUSR1, SIGUSR2, SIGALRM, SIGVTALRM, SIGPROF };
    for (unsigned i = 0; i < sizeof signals / sizeof signals[0]; i++) signal(signals[i], SIG_DFL);
}

#endif
