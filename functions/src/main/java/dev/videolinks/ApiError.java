package dev.videolinks;

/** A request the URL API answers with an error (SPEC §4): a status, a stable code and a message for people. */
final class ApiError extends RuntimeException {

    private final int status;
    private final String code;

    private ApiError(int status, String code, String message) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
    }

    static ApiError badRequest(String message) {
        return new ApiError(400, "bad_request", message);
    }

    static ApiError unauthorized(String message) {
        return new ApiError(401, "unauthorized", message);
    }

    static ApiError notFound(String message) {
        return new ApiError(404, "not_found", message);
    }

    static ApiError payloadTooLarge(String message) {
        return new ApiError(413, "payload_too_large", message);
    }

    /** Client text as an error message shows it: at most 40 characters, control characters as '?'. */
    static String shown(String text) {
        String cut = text.length() > 40 ? text.substring(0, 40) + "…" : text;
        return cut.replaceAll("\\p{Cntrl}", "?");
    }

    int status() {
        return status;
    }

    String code() {
        return code;
    }
}
