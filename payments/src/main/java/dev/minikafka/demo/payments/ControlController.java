package dev.minikafka.demo.payments;

import org.springframework.http.HttpStatus;
import org.springframework.web.ErrorResponseException;
import org.springframework.http.ProblemDetail;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** Start, stop and pace the payment stream: {@code /control}. Bad input is a 400 problem detail. */
@RestController
@RequestMapping("/control")
public class ControlController {

    /** 100,000 events per second: beyond what one sender thread does through any binder here. */
    static final double MAX_EVENTS_PER_MINUTE = 6_000_000;
    static final double MIN_EVENTS_PER_MINUTE = 1;

    private final PaymentStream stream;

    public ControlController(PaymentStream stream) {
        this.stream = stream;
    }

    /** The stream's state. */
    public record State(boolean running, double eventsPerMinute, double eventsPerSecond) {
    }

    /** Exactly one of the two. */
    public record RateRequest(Double eventsPerMinute, Double eventsPerSecond) {
    }

    @GetMapping
    public State state() {
        double perSecond = stream.eventsPerSecond();
        return new State(stream.isEmitting(), round(perSecond * 60), round(perSecond));
    }

    @PostMapping("/start")
    public State start() {
        stream.startEmitting();
        return state();
    }

    @PostMapping("/stop")
    public State stop() {
        stream.stopEmitting();
        return state();
    }

    @PutMapping("/rate")
    public State rate(@RequestBody RateRequest request) {
        if ((request.eventsPerMinute() == null) == (request.eventsPerSecond() == null)) {
            throw badRequest("give exactly one of eventsPerMinute or eventsPerSecond");
        }
        double perMinute = request.eventsPerMinute() != null ? request.eventsPerMinute() : request.eventsPerSecond() * 60;
        if (!(perMinute >= MIN_EVENTS_PER_MINUTE && perMinute <= MAX_EVENTS_PER_MINUTE)) {
            throw badRequest("the rate must be between 1 event per minute and 100000 events per second (6000000 per minute)");
        }
        stream.setEventsPerSecond(perMinute / 60.0);
        return state();
    }

    private static ErrorResponseException badRequest(String detail) {
        return new ErrorResponseException(HttpStatus.BAD_REQUEST, ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, detail), null);
    }

    private static double round(double value) {
        return Math.round(value * 1000.0) / 1000.0;
    }
}
